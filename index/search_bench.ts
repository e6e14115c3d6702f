/**
 * `deno bench -A index/search_bench.ts`: USearch (shipped defaults) against exact
 * brute force on 100k clustered 64-d vectors, plus filtered search, batched search
 * and upserts. Building the indexes takes a few seconds before the first bench.
 * @module
 */

import { createBruteForceIndex, createUsearchIndex } from "./mod.ts";
import type { VectorIndex } from "./mod.ts";
import { clusteredVectors, record } from "./_test_util.ts";

const N = 100_000;
const DIMS = 64;
const data = clusteredVectors(N + 1000, DIMS, {
  seed: 5,
  clusters: 200,
  spread: 0.35,
});
const vectors = data.slice(0, N);
const queries = data.slice(N);

function build(index: VectorIndex): VectorIndex {
  for (let i = 0; i < N; i += 10_000) {
    index.upsertMany(
      vectors.slice(i, i + 10_000).map((vector, j) => ({
        record: record(i + j),
        vector,
      })),
    );
  }
  return index;
}

const options = { dims: DIMS, modelVersion: "bench", initialCapacity: N };
const usearch = build(createUsearchIndex({ ...options, bulkThreads: 0 }));
const exact = build(createBruteForceIndex(options));
const usearchI8 = build(
  createUsearchIndex({ ...options, bulkThreads: 0, quantization: "i8" }),
);

let q = 0;
const next = () => queries[q++ % queries.length] as Float32Array;
const selective = [{ attr: "size", value: "3" }, {
  attr: "colour",
  value: "red",
}];

Deno.bench("usearch f32 search k=10 (100k)", {
  group: "search",
  baseline: true,
}, () => {
  usearch.search(next(), { k: 10 });
});
Deno.bench("usearch i8 search k=10 (100k)", { group: "search" }, () => {
  usearchI8.search(next(), { k: 10 });
});
Deno.bench("brute force search k=10 (100k)", { group: "search" }, () => {
  exact.search(next(), { k: 10 });
});

Deno.bench(
  "usearch search k=10, filter 1/3 (100k)",
  { group: "filtered" },
  () => {
    usearch.search(next(), {
      k: 10,
      filters: [{ attr: "colour", value: "red" }],
    });
  },
);
Deno.bench(
  "usearch search k=10, filter 1/30 (100k)",
  { group: "filtered" },
  () => {
    usearch.search(next(), { k: 10, filters: selective });
  },
);
Deno.bench(
  "brute force search k=10, filter 1/30 (100k)",
  { group: "filtered" },
  () => {
    exact.search(next(), { k: 10, filters: selective });
  },
);

const batch = queries.slice(0, 64);
Deno.bench(
  "usearch searchMany 64 queries k=10 (100k)",
  { group: "batch" },
  () => {
    usearch.searchMany(batch, { k: 10 });
  },
);

let u = 0;
Deno.bench(
  "usearch upsert replacing a product (100k)",
  { group: "upsert" },
  () => {
    const i = u++ % N;
    usearch.upsert(record(i), vectors[(i * 7919) % N] as Float32Array);
  },
);
