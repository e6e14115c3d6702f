import assert from "node:assert/strict";
import { generateCatalog } from "./generate.ts";
import { writeCatalog } from "./write.ts";

async function digest(dir: string): Promise<string> {
  const parts: string[] = [];
  const walk = async (d: string) => {
    const entries = [];
    for await (const e of Deno.readDir(d)) entries.push(e);
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory) await walk(p);
      else {
        const hash = await crypto.subtle.digest(
          "SHA-256",
          await Deno.readFile(p),
        );
        parts.push(
          `${p.slice(dir.length)} ${
            [...new Uint8Array(hash)].map((b) =>
              b.toString(16).padStart(2, "0")
            ).join("")
          }`,
        );
      }
    }
  };
  await walk(dir);
  return parts.join("\n");
}

Deno.test("writeCatalog() writes byte-identical files for the same seed", async () => {
  const a = await Deno.makeTempDir(),
    b = await Deno.makeTempDir(),
    c = await Deno.makeTempDir();
  try {
    const stats = await writeCatalog(
      generateCatalog({ products: 60, seed: 5 }),
      a,
    );
    await writeCatalog(generateCatalog({ products: 60, seed: 5 }), b);
    await writeCatalog(generateCatalog({ products: 60, seed: 6 }), c);
    assert.equal(await digest(a), await digest(b));
    assert.notEqual(await digest(a), await digest(c));
    assert.equal(stats.products, 60);
    const lines = (await Deno.readTextFile(`${a}/products.jsonl`)).trim().split(
      "\n",
    ).map((l) => JSON.parse(l));
    assert.equal(lines.length, 60);
    for (const e of lines) {
      assert.equal(e.op, "upsert");
      if (e.image) await Deno.stat(`${a}/${e.image.path}`);
    }
    const meta = (await Deno.readTextFile(`${a}/products-meta.jsonl`)).trim()
      .split("\n").map((l) => JSON.parse(l));
    assert.equal(meta.length, 60);
    assert.ok(
      meta.every((m) =>
        ["product", "box", "card", "none"].includes(m.imageKind)
      ),
    );
    assert.ok(meta.some((m) => m.colourInTitle === false));
    const splits = JSON.parse(await Deno.readTextFile(`${a}/splits.json`));
    assert.deepEqual(Object.keys(splits), ["train", "val", "test", "unseen"]);
  } finally {
    for (const d of [a, b, c]) await Deno.remove(d, { recursive: true });
  }
});
