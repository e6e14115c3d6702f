/**
 * The systems compared by the evaluation, each a ranker over the same products:
 * BM25 on titles, the title tower, the image tower, fixed 0.5/0.5 fusion, MAKE without
 * Keyword Enhancement, MAKE, and MAKE as served (the /search route of api/, with its
 * lexical keyword boost). Vector systems search a USearch index built with index/.
 */

import type { ProductEmbedding, QueryEmbedding } from "../../encode/mod.ts";
import { createUsearchIndex, type VectorIndex } from "../../index/mod.ts";
import type { ProductRecord } from "../../types.ts";
import { mulberry32 } from "../../random.ts";
import type { EvalProduct } from "./data.ts";

/** Which product vector a system indexes. */
export type ProductView = "make" | "title" | "image" | "fixed";

/** The vector of a product under a view, or null when the view has none (no image). */
export function productVector(
  e: ProductEmbedding,
  view: ProductView,
): Float32Array | null {
  switch (view) {
    case "make":
      return e.vector;
    case "title":
      return e.towers.title;
    case "image":
      return e.towers.image;
    case "fixed": {
      const img = e.towers.image;
      if (!img) return e.towers.title;
      const v = new Float32Array(img.length);
      let norm = 0;
      for (let i = 0; i < v.length; i++) {
        v[i] = 0.5 * (e.towers.title[i] ?? 0) + 0.5 * (img[i] ?? 0);
        norm += (v[i] ?? 0) ** 2;
      }
      norm = Math.sqrt(norm) || 1;
      for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / norm;
      return v;
    }
  }
}

/**
 * The record indexed for a product. Attributes are left out on purpose: in the
 * synthetic catalogue they are the ground truth of relevance, and the served lexical
 * boost matches keywords against attribute values too.
 */
export function evalRecord(p: EvalProduct, e: ProductEmbedding): ProductRecord {
  return {
    id: p.id,
    title: p.title,
    attrs: {},
    version: 1,
    weights: e.weights,
    eventTimeMs: 0,
    indexedAtMs: 0,
  };
}

/** Builds a USearch index of the products under one view. */
export function buildIndex(
  products: readonly EvalProduct[],
  embeddings: readonly ProductEmbedding[],
  view: ProductView,
  modelVersion: string,
): VectorIndex {
  const dims = embeddings[0]?.vector.length ?? 1;
  const index = createUsearchIndex({
    dims,
    modelVersion,
    initialCapacity: Math.max(16, products.length),
  });
  products.forEach((p, i) => {
    const e = embeddings[i];
    const v = e ? productVector(e, view) : null;
    if (e && v) index.upsert(evalRecord(p, e), v);
  });
  return index;
}

/** Ranks queries by vector search: ids of the best `k` per query. */
export function rankByVectors(
  index: VectorIndex,
  queries: readonly QueryEmbedding[],
  k: number,
): string[][] {
  const n = Math.min(k, index.size);
  if (n === 0) return queries.map(() => []);
  return queries.map((q) => index.search(q.vector, { k: n }).map((h) => h.id));
}

/**
 * A reference row: for each query, `k` distinct ids drawn uniformly at random (seeded),
 * i.e. what a system that knows nothing would score.
 */
export function rankRandom(
  ids: readonly string[],
  queries: number,
  options: { k: number; seed: number },
): string[][] {
  const rand = mulberry32(options.seed);
  const n = Math.min(options.k, ids.length);
  return Array.from({ length: queries }, () => {
    const pool = [...ids];
    for (let i = 0; i < n; i++) { // partial Fisher–Yates: the first n are the sample
      const j = i + Math.floor(rand() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j] as string, pool[i] as string];
    }
    return pool.slice(0, n);
  });
}
