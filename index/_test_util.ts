/**
 * Deterministic data for index tests and benches: seeded vectors, clustered sets and
 * records.
 * @module
 */

import type { ProductRecord } from "../types.ts";

import { mulberry32 as rng } from "../random.ts";

/** A seeded PRNG (mulberry32) returning floats in [0, 1). */
export { rng };

/** A standard normal sample (Box–Muller). */
export function gaussian(rand: () => number): number {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** `n` vectors with independent Gaussian components. */
export function randomVectors(
  n: number,
  dims: number,
  seed: number,
): Float32Array[] {
  const rand = rng(seed);
  return Array.from({ length: n }, () => {
    const v = new Float32Array(dims);
    for (let i = 0; i < dims; i++) v[i] = gaussian(rand);
    return v;
  });
}

/**
 * `n` vectors around `clusters` Gaussian centres with per-component noise `spread`,
 * like embeddings of a catalogue with categories.
 */
export function clusteredVectors(
  n: number,
  dims: number,
  options: { seed: number; clusters: number; spread: number },
): Float32Array[] {
  const rand = rng(options.seed);
  const centres = randomVectors(options.clusters, dims, options.seed + 1);
  return Array.from({ length: n }, () => {
    const c = centres[Math.floor(rand() * options.clusters)] as Float32Array;
    const v = new Float32Array(dims);
    for (let i = 0; i < dims; i++) {
      v[i] = (c[i] as number) + options.spread * gaussian(rand);
    }
    return v;
  });
}

/** A record for product `p<i>` with a few attributes derived from `i`. */
export function record(
  i: number,
  overrides: Partial<ProductRecord> = {},
): ProductRecord {
  return {
    id: `p${i}`,
    title: `Product ${i}`,
    attrs: {
      colour: ["red", "blue", "green"][i % 3] as string,
      size: i % 10,
      sale: i % 2 === 0,
    },
    version: 1,
    weights: { title: 0.5, image: 0.5 },
    eventTimeMs: 1_700_000_000_000 + i,
    indexedAtMs: 1_700_000_000_100 + i,
    ...overrides,
  };
}

/** Exact top-k ids by cosine similarity, computed naively in float64. */
export function naiveTopK(
  data: readonly { id: string; vector: Float32Array }[],
  query: Float32Array,
  k: number,
): { id: string; score: number }[] {
  const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  const qn = norm(query);
  return data
    .map(({ id, vector }) => {
      let dot = 0;
      for (let i = 0; i < vector.length; i++) {
        dot += (vector[i] as number) * (query[i] as number);
      }
      return { id, score: dot / (qn * norm(vector)) };
    })
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}
