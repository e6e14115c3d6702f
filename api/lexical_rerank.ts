/**
 * The lexical half of Keyword Enhancement at query time: ANN candidates get a small
 * score boost for each detected query keyword that appears in their title or attribute
 * values, and the matched keywords become the hit's explanation.
 * @module
 */

import type { ProductRecord, SearchHit } from "../types.ts";
import { foldPlural } from "../tokens.ts";

/** A candidate after re-scoring. */
export interface RankedHit {
  readonly hit: SearchHit;
  /** ANN score plus `boost` × number of matched keywords. */
  readonly score: number;
  /** Query keywords (as the encoder gave them) found in the product's text. */
  readonly keywords: string[];
  /** Lexical (BM25) match in 0..1 when the lexical channel was fused in. */
  readonly lexical?: number;
}

/** Options of {@linkcode rerankByKeywords}. */
export interface RerankOptions {
  /** Score added per matched keyword; 0 keeps the ANN order. */
  readonly boost: number;
  /** How many hits to return. */
  readonly k: number;
  /** The matchable text of a product. @default productMatchText (uncached) */
  readonly textOf?: (record: ProductRecord) => string;
}

/**
 * Re-scores candidates by keyword matches and returns the best `k`, best first.
 * Ties keep the ANN order. Matching is on whole normalised tokens (case, accents,
 * punctuation and simple plurals folded), so "Red" matches "red" and "dress" matches
 * "Dresses" but "red" does not match "reddish".
 */
export function rerankByKeywords(
  hits: readonly SearchHit[],
  keywords: readonly string[],
  options: RerankOptions,
): RankedHit[] {
  const terms = keywordTerms(keywords);
  const textOf = options.textOf ?? productMatchText;
  const ranked = hits.map((hit): RankedHit => {
    if (terms.length === 0) return { hit, score: hit.score, keywords: [] };
    const text = textOf(hit.record);
    const matched = terms.filter((t) => text.includes(t.padded)).map((t) =>
      t.keyword
    );
    return {
      hit,
      score: hit.score + options.boost * matched.length,
      keywords: matched,
    };
  });
  if (options.boost !== 0) ranked.sort((a, b) => b.score - a.score);
  return ranked.slice(0, options.k);
}

/**
 * Lower-cased, accent-free tokens of `text` with simple plurals folded, joined by
 * single spaces and padded with one space each side (so `includes(" red ")` is a
 * whole-token test).
 */
export function matchText(text: string): string {
  const tokens = ASCII.test(text)
    ? text.toLowerCase().split(/[^a-z0-9]+/)
    : text.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase()
      .split(/[^\p{L}\p{N}]+/u);
  let out = " ";
  for (const token of tokens) if (token) out += foldPlural(token) + " ";
  return out;
}

/**
 * Share (0..1) of the query's tokens that no detected vocabulary keyword covers: words
 * the towers may never have seen, which only the lexical channel can match exactly.
 * 0 for a query without tokens.
 */
export function unknownShare(
  query: string,
  keywords: readonly string[],
): number {
  const tokens = matchText(query).trim().split(" ").filter((t) => t);
  if (tokens.length === 0) return 0;
  const known = new Set<string>();
  for (const k of keywords) {
    for (const t of matchText(k).trim().split(" ")) known.add(t);
  }
  return tokens.filter((t) => !known.has(t)).length / tokens.length;
}

interface Term {
  readonly keyword: string;
  readonly padded: string;
}

function keywordTerms(keywords: readonly string[]): Term[] {
  const seen = new Set<string>();
  const terms: Term[] = [];
  for (const keyword of keywords) {
    const padded = matchText(keyword);
    if (padded.trim().length === 0 || seen.has(padded)) continue;
    seen.add(padded);
    terms.push({ keyword, padded });
  }
  return terms;
}

/**
 * The matchable text of a product: its title and each attribute value through
 * {@linkcode matchText}, separated so that no match spans two fields.
 */
export function productMatchText(record: ProductRecord): string {
  // "|" is a token no fold produces, so it keeps matches inside one field
  let text = matchText(record.title);
  for (const value of Object.values(record.attrs)) {
    text += "| " + matchText(String(value)).slice(1);
  }
  return text;
}

// deno-lint-ignore no-control-regex -- the whole ASCII range is the point
const ASCII = /^[\x00-\x7f]*$/;
