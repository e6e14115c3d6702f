/**
 * The lexical channel end to end, without Kafka: the real index (BM25 postings beside
 * the vectors) behind the real HTTP app. The reviewer's case: the towers put the product
 * whose title is the query at rank 61; exact title words must bring it to the top.
 * @module
 */

import assert from "node:assert/strict";
import { createMemoryLogger } from "../log.ts";
import { Metrics } from "../metrics.ts";
import {
  createBruteForceIndex,
  createUsearchIndex,
  type VectorIndex,
} from "../index/mod.ts";
import { createApp, type Searcher } from "../api/mod.ts";
import { FakeQueryEncoder } from "../api/testing.ts";

const DIMS = 64;
const QUERY = "crimson velvet evening gown";
const TARGET = 60;

/** A unit vector at cosine `c` to the unit vector `q`, in a direction fixed by `seed`. */
function atCosine(q: Float32Array, c: number, seed: number): Float32Array {
  const r = new Float32Array(DIMS).map((_, i) =>
    Math.sin(seed * 7.1 + i * 1.3)
  );
  let dot = 0;
  for (let i = 0; i < DIMS; i++) dot += (r[i] as number) * (q[i] as number);
  let norm = 0;
  for (let i = 0; i < DIMS; i++) {
    r[i] = (r[i] as number) - dot * (q[i] as number);
    norm += (r[i] as number) ** 2;
  }
  const s = Math.sqrt(1 - c * c) / Math.sqrt(norm);
  return r.map((x, i) => c * (q[i] as number) + s * x);
}

function fill(index: VectorIndex, encoder: FakeQueryEncoder): void {
  const q = encoder.embed(QUERY);
  for (let i = 0; i < 100; i++) {
    const title = i === TARGET
      ? "Crimson Velvet Evening Gown"
      : i % 3 === 0
      ? `Gold Velvet Sofa Cushion ${i}`
      : `Red Summer Dress Size ${i}`;
    index.upsert({
      id: `p${i}`,
      title,
      attrs: { brand: i % 2 ? "Velocity Pro" : "Marlowe", colour: "red" },
      version: 1,
      weights: { title: 0.7, image: 0.3 },
      eventTimeMs: 0,
      indexedAtMs: 0,
    }, atCosine(q, 0.9 - i * 0.004, i));
  }
}

async function rankOfTarget(index: VectorIndex, lexical: boolean) {
  const encoder = new FakeQueryEncoder({ dims: DIMS, vocabulary: ["red"] });
  fill(index, encoder);
  const searcher: Searcher = {
    ready: true,
    info: () => ({ version: "t", size: index.size }),
    search: (v, o) => index.search(v, o),
    get: (id) => index.get(id),
    ...(lexical ? { searchLexical: (t, o) => index.searchLexical(t, o) } : {}),
  };
  const app = createApp({
    searcher,
    encoder,
    stats: () => ({}),
    metrics: new Metrics(),
    log: createMemoryLogger(),
  });
  const res = await app.request(
    `/search?q=${encodeURIComponent(QUERY)}&k=100&filter=colour:RED`,
  );
  assert.equal(res.status, 200);
  const body = await res.json() as { hits: { id: string }[] };
  assert.equal(body.hits.length, 100);
  return body.hits.findIndex((h) => h.id === `p${TARGET}`) + 1;
}

for (
  const [name, make] of [
    [
      "brute force",
      () => createBruteForceIndex({ dims: DIMS, modelVersion: "m" }),
    ],
    ["usearch", () => createUsearchIndex({ dims: DIMS, modelVersion: "m" })],
  ] as const
) {
  Deno.test(`GET /search over the ${name} index: an exact title at ANN rank 61 comes first with the lexical channel`, async () => {
    using before = make();
    assert.equal(await rankOfTarget(before, false), 61);
    using after = make();
    assert.equal(await rankOfTarget(after, true), 1);
  });
}
