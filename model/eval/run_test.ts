import assert from "node:assert/strict";
import { join } from "node:path";
import { generateCatalog, writeCatalog } from "../catalog/mod.ts";
import { createTinyBundle } from "../testing.ts";
import { parseProducts, parseQueries, parseSplit } from "./data.ts";
import { runEvaluation, SYSTEMS } from "./run.ts";

Deno.test("runEvaluation() gives stable numbers on a fixed tiny set", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeCatalog(
      generateCatalog({ products: 150, seed: 11 }),
      join(dir, "cat"),
    );
    await createTinyBundle(join(dir, "bundle"), { seed: 3 });
    const ids = new Set(
      parseSplit(
        await Deno.readTextFile(join(dir, "cat/splits.json")),
        "train",
      ),
    );
    const products = parseProducts(
      await Deno.readTextFile(join(dir, "cat/products.jsonl")),
    )
      .filter((p) => ids.has(p.id));
    const queries = parseQueries(
      await Deno.readTextFile(join(dir, "cat/queries-train.jsonl")),
    );
    const run = () =>
      runEvaluation({
        products,
        queries,
        modelDir: join(dir, "bundle"),
        imageBaseDir: join(dir, "cat"),
        extraModels: [{ name: "same", dir: join(dir, "bundle") }],
        device: "wasm",
      });
    const a = await run();
    const b = await run();
    assert.deepEqual(a.results, b.results);
    assert.deepEqual(a.results.map((r) => r.system), [
      ...SYSTEMS,
      "same (served)",
    ]);
    // the same bundle compared as an extra model ranks exactly like the main served row
    assert.deepEqual(a.results[7]?.groups, a.results[6]?.groups);
    assert.equal(a.products, products.length);
    assert.equal(a.productsWithImage, products.filter((p) => p.image).length);
    assert.deepEqual(a.imagesSkipped, {});
    assert.deepEqual(a.warnings, []);
    const bm25 = a.results[0]?.groups.all;
    assert.equal(bm25?.queries, queries.length);
    // titles name the product type, so lexical matching finds most relevant products
    assert.ok((bm25?.metrics.recall100 ?? 0) > 0.6, JSON.stringify(bm25));
    for (const r of a.results) {
      for (const g of Object.values(r.groups)) {
        for (const v of Object.values(g.metrics)) {
          assert.ok(v >= 0 && v <= 1, `${r.system}: ${v}`);
        }
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
