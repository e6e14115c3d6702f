/**
 * Fusion of the two retrieval channels of /search: the ANN pool (query tower + Keyword
 * Enhancement) and the lexical pool (BM25 over normalised title and attribute tokens,
 * which also finds words the towers never saw). Each candidate scores
 * `cosine + keywordBoost × matched keywords + lexicalWeight × match`, where `match` is
 * the BM25 score over the largest score the query could reach (0..1, 0 when the lexical
 * channel did not return it).
 * @module
 */

import type { SearchHit } from "../types.ts";
import type { LexicalMatch } from "./app_options.ts";
import { type RankedHit, rerankByKeywords } from "./lexical_rerank.ts";
import type { ProductRecord } from "../types.ts";

/** Options of {@linkcode fuseChannels}. */
export interface FusionOptions {
  /** Score added per matched vocabulary keyword. */
  readonly keywordBoost: number;
  /** Weight of the lexical match (0..1); 0 ignores the lexical pool. */
  readonly lexicalWeight: number;
  /** How many hits to return. */
  readonly k: number;
  /** The matchable text of a product (for the keyword boost). */
  readonly textOf?: (record: ProductRecord) => string;
}

/**
 * Merges both pools and returns the best `k`, best first; ties keep the order of the
 * keyword re-rank (ANN order, then lexical order, among equal scores). A product only the lexical channel found gets, as its cosine, the
 * lowest cosine of the ANN pool (an upper bound of its true cosine when the pool is the
 * exact top: it was not in it), or 0 when the ANN pool is empty.
 */
export function fuseChannels(
  ann: readonly SearchHit[],
  lexical: readonly LexicalMatch[],
  keywords: readonly string[],
  options: FusionOptions,
): RankedHit[] {
  const weight = options.lexicalWeight;
  const matchOf = new Map<string, number>();
  const candidates = [...ann];
  if (weight > 0 && lexical.length > 0) {
    const seen = new Set(ann.map((h) => h.id));
    const floor = ann.length > 0 ? Math.min(...ann.map((h) => h.score)) : 0;
    for (const hit of lexical) {
      matchOf.set(hit.id, hit.match);
      if (seen.has(hit.id)) continue;
      seen.add(hit.id);
      candidates.push({ id: hit.id, score: floor, record: hit.record });
    }
  }
  const boosted = rerankByKeywords(candidates, keywords, {
    boost: options.keywordBoost,
    k: candidates.length,
    ...(options.textOf ? { textOf: options.textOf } : {}),
  });
  if (matchOf.size === 0) return boosted.slice(0, options.k);
  const fused = boosted.map((r): RankedHit => {
    const match = matchOf.get(r.hit.id) ?? 0;
    return { ...r, score: r.score + weight * match, lexical: match };
  });
  fused.sort((a, b) => b.score - a.score);
  return fused.slice(0, options.k);
}
