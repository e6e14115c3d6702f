import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { parseProducts, parseQueries } from "./data.ts";
import { runEvaluation } from "./run.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

Deno.test("runEvaluation() shows the shipped bundle beating BM25 on the demo catalogue", async () => {
  const products = parseProducts(
    await Deno.readTextFile(`${root}samples/products.jsonl`),
  );
  const queries = parseQueries(
    await Deno.readTextFile(`${root}samples/queries.jsonl`),
  );
  const report = await runEvaluation({
    products,
    queries,
    modelDir: `${root}model/default`,
    imageBaseDir: root,
    device: "wasm",
  });
  assert.deepEqual(report.imagesSkipped, {});
  assert.equal(
    report.productsWithImage,
    products.filter((p) => p.image).length,
  );
  const r10 = (system: string) =>
    report.results.find((r) => r.system === system)?.groups.all.metrics
      .recall10 ?? NaN;
  // measured 2026-11-25 with bundle 2026.11.25-1: BM25 0.830, served MAKE 0.986
  assert.ok(
    r10("MAKE + KE (served)") >= r10("BM25 (titles)") + 0.05,
    JSON.stringify(report.results.map((r) => [r.system, r10(r.system)])),
  );
  assert.ok(r10("MAKE + KE (served)") >= 0.9);
  assert.ok(r10("image tower") > 0.5, "the image tower alone finds products");
});
