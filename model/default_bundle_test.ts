import assert from "node:assert/strict";
import { createEncoders, decodeImage, loadBundle } from "../encode/mod.ts";
import type { ImageTensor } from "../types.ts";

const ROOT = new URL("../", import.meta.url).pathname;

interface Line {
  id: string;
  title: string;
  image?: { path: string };
}

async function readLines<T>(path: string): Promise<T[]> {
  const text = await Deno.readTextFile(ROOT + path);
  return text.trim().split("\n").map((l) => JSON.parse(l) as T);
}

Deno.test("model/default loads through the bundle loader and finds demo products", async () => {
  const bundle = await loadBundle(ROOT + "model/default");
  assert.equal(bundle.manifest.format, "make-bundle/1");
  assert.ok(bundle.keywords.keywords.length > 100);
  await using encoders = await createEncoders(bundle, {
    device: "wasm",
    threads: 1,
  });
  const products = await readLines<Line>("samples/products.jsonl");
  const images: (ImageTensor | null)[] = [];
  for (const p of products) {
    if (p.image === undefined) {
      images.push(null);
      continue;
    }
    const bytes = await Deno.readFile(ROOT + p.image.path);
    const result = await decodeImage(bytes, bundle.manifest.image);
    images.push(result.kind === "ok" ? result.tensor : null);
  }
  const embedded = await encoders.product.encode(
    products.map((p, i) => ({ title: p.title, image: images[i] ?? null })),
    {},
  );
  const queries = await readLines<{ query: string; relevant: string[] }>(
    "samples/queries.jsonl",
  );
  const encoded = await encoders.query.encode(queries.map((q) => q.query), {});
  let recall = 0;
  queries.forEach((q, qi) => {
    const v = encoded[qi]?.vector ?? new Float32Array();
    const scored = embedded.map((e, i) => ({
      id: products[i]?.id,
      s: e.vector.reduce((s, x, j) => s + x * (v[j] ?? 0), 0),
    })).sort((a, b) => b.s - a.s).slice(0, 10);
    const rel = new Set(q.relevant);
    recall += scored.filter((h) => rel.has(h.id ?? "")).length /
      Math.min(10, rel.size);
  });
  recall /= queries.length;
  // Measured 0.9+ for the trained default; a random bundle scores near 0.1.
  assert.ok(recall >= 0.8, `demo recall@10 ${recall.toFixed(3)}`);
  const noImage = embedded.find((_, i) => images[i] === null);
  if (noImage !== undefined) assert.equal(noImage.weights.image, 0);
});
