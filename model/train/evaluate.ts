/**
 * Validation during training: encodes a product set and its queries with the model's
 * TypeScript forward (the same maths as the exported ONNX), ranks by cosine and reports
 * recall@10; Keyword Enhancement with a given alpha; alpha selection.
 * @module
 */

import {
  enhanceQuery,
  KeywordMatcher,
  type KeywordVocabulary,
  textFeatures,
} from "../../encode/mod.ts";
import type { ModelParams } from "../architecture.ts";
import {
  fusionForward,
  imageHeadForward,
  textTowerForward,
} from "../forward.ts";
import type { ProductSet, QuerySet } from "./data.ts";

const CHUNK = 256;

/** Fused product vectors [n, D] of a product set. */
export function encodeProducts(p: ModelParams, set: ProductSet): Float32Array {
  const n = set.products.length;
  const d = p.config.dims;
  const t = p.config.text.maxTokens;
  const out = new Float32Array(n * d);
  for (let s = 0; s < n; s += CHUNK) {
    const m = Math.min(CHUNK, n - s);
    const title =
      textTowerForward(p.title, set.titleIds.subarray(s * t, (s + m) * t), m)
        .out;
    const feats = set.imageFeats.subarray(
      s * set.featureSize,
      (s + m) * set.featureSize,
    );
    const image = imageHeadForward(p.image, feats, m).out;
    const has = set.hasImage.subarray(s, s + m);
    out.set(fusionForward(p.fusion, title, image, has, m).vector, s * d);
  }
  return out;
}

/** Query tower vectors [n, D] of feature id rows. */
export function encodeTexts(p: ModelParams, ids: Int32Array): Float32Array {
  const t = p.config.text.maxTokens;
  const n = ids.length / t;
  const out = new Float32Array(n * p.config.dims);
  for (let s = 0; s < n; s += CHUNK) {
    const m = Math.min(CHUNK, n - s);
    out.set(
      textTowerForward(p.query, ids.subarray(s * t, (s + m) * t), m).out,
      s * p.config.dims,
    );
  }
  return out;
}

/** Query vectors enhanced with the vectors of their detected keywords (alpha > 0). */
export function enhancedQueries(
  p: ModelParams,
  queries: QuerySet,
  vocabulary: KeywordVocabulary,
  alpha: number,
): Float32Array {
  const d = p.config.dims;
  const base = encodeTexts(p, queries.ids);
  if (alpha === 0) return base;
  const matcher = new KeywordMatcher(vocabulary);
  const terms = vocabulary.keywords.map((k) => k.term);
  const termIds = new Int32Array(terms.length * p.config.text.maxTokens);
  terms.forEach((term, i) =>
    termIds.set(textFeatures(term, p.config.text), i * p.config.text.maxTokens)
  );
  const termVecs = encodeTexts(p, termIds);
  const byTerm = new Map(
    terms.map((term, i) => [term, termVecs.subarray(i * d, (i + 1) * d)]),
  );
  queries.queries.forEach((q, i) => {
    const vecs = matcher.terms(q.query).flatMap((term) =>
      byTerm.get(term) ?? []
    );
    base.set(
      enhanceQuery(base.subarray(i * d, (i + 1) * d), vecs, alpha),
      i * d,
    );
  });
  return base;
}

/**
 * Mean recall@k: per query |top-k ∩ relevant| / min(|relevant|, k) (a query with more
 * relevant products than k can still reach 1).
 */
export function recallAtK(
  queryVecs: Float32Array,
  productVecs: Float32Array,
  options: {
    /** Per query: relevant product rows. */
    readonly relevant: readonly (readonly number[])[];
    /** Vector length. */
    readonly dims: number;
    /** Cut-off. @default 10 */
    readonly k?: number;
  },
): number {
  const { relevant, dims } = options;
  const k = options.k ?? 10;
  const n = productVecs.length / dims;
  const scores = new Float32Array(n);
  let total = 0;
  relevant.forEach((rel, qi) => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < dims; j++) {
        s += (queryVecs[qi * dims + j] ?? 0) * (productVecs[i * dims + j] ?? 0);
      }
      scores[i] = s;
    }
    const top = topK(scores, k);
    const relSet = new Set(rel);
    const hits = top.filter((i) => relSet.has(i)).length;
    total += hits / Math.max(1, Math.min(rel.length, k));
  });
  return relevant.length === 0 ? 0 : total / relevant.length;
}

function topK(scores: Float32Array, k: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] ?? -Infinity;
    if (best.length === k && s <= (scores[best[k - 1] ?? 0] ?? -Infinity)) {
      continue;
    }
    let at = best.length;
    while (at > 0 && (scores[best[at - 1] ?? 0] ?? -Infinity) < s) at--;
    best.splice(at, 0, i);
    if (best.length > k) best.pop();
  }
  return best;
}

/** Validation recall@10 for the model as is, with Keyword Enhancement at `alpha`. */
export function validationRecall(
  p: ModelParams,
  products: ProductSet,
  queries: QuerySet,
  options: { vocabulary: KeywordVocabulary; alpha: number },
): number {
  const productVecs = encodeProducts(p, products);
  const queryVecs = enhancedQueries(
    p,
    queries,
    options.vocabulary,
    options.alpha,
  );
  return recallAtK(queryVecs, productVecs, {
    relevant: queries.relevant,
    dims: p.config.dims,
  });
}

/** The alpha among `candidates` with the best validation recall@10 (ties: smaller). */
export function chooseAlpha(
  p: ModelParams,
  products: ProductSet,
  queries: QuerySet,
  options: { vocabulary: KeywordVocabulary; candidates: readonly number[] },
): { alpha: number; recalls: Record<string, number> } {
  const productVecs = encodeProducts(p, products);
  const recalls: Record<string, number> = {};
  let best = { alpha: 0, recall: -1 };
  for (const alpha of options.candidates) {
    const q = enhancedQueries(p, queries, options.vocabulary, alpha);
    const recall = recallAtK(q, productVecs, {
      relevant: queries.relevant,
      dims: p.config.dims,
    });
    recalls[String(alpha)] = recall;
    if (recall > best.recall + 1e-9) best = { alpha, recall };
  }
  return { alpha: best.alpha, recalls };
}
