/**
 * Seeded synthetic vectors for index benches: clustered unit vectors (like embeddings of
 * similar products) and query vectors drawn near them.
 * @module
 */

import { mulberry32 as prng } from "../random.ts";

/** A seeded PRNG (mulberry32) returning floats in [0, 1). */
export { prng };

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

function normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const inv = 1 / Math.sqrt(s || 1);
  for (let i = 0; i < v.length; i++) v[i] = v[i]! * inv;
  return v;
}

/** Options of {@linkcode clusteredVectors}. */
export interface VectorOptions {
  readonly seed: number;
  /** Cluster centres. @default n / 50 */
  readonly clusters?: number;
  /**
   * Expected norm of the noise around a unit centre. @default 1 (as far from the centre as
   * the centre is from the origin: hard enough that HNSW settings show in recall)
   */
  readonly spread?: number;
}

/** `n` unit vectors of `dims` around random centres. */
export function clusteredVectors(
  n: number,
  dims: number,
  options: VectorOptions,
): Float32Array[] {
  const rand = prng(options.seed);
  const k = Math.max(1, options.clusters ?? Math.ceil(n / 50));
  const spread = options.spread ?? 1;
  const centres = Array.from(
    { length: k },
    () => normalise(Float32Array.from({ length: dims }, () => gaussian(rand))),
  );
  return Array.from({ length: n }, () => {
    const c = centres[Math.floor(rand() * k)]!;
    const v = new Float32Array(dims);
    // Noise of expected norm `spread` around a unit centre.
    const scale = spread / Math.sqrt(dims);
    for (let i = 0; i < dims; i++) v[i] = c[i]! + gaussian(rand) * scale;
    return normalise(v);
  });
}
