/**
 * An inverted index over the normalised tokens of each row's title and attribute values,
 * scored with BM25 (Okapi, k1 1.2, b 0.75). It lives inside the row store, so every
 * upsert, remove, snapshot load and rebuild keeps it in step with the vectors.
 *
 * Rows only grow (a row number is never reused), so postings are append-only and sorted;
 * a killed row stays in its postings and is skipped at query time (like stale vector
 * rows, compaction reclaims it), while document frequencies, the live document count
 * and the total length only ever count live rows.
 * @module
 */

import type { ProductRecord } from "../types.ts";
import { lexicalTokens } from "./lexical_tokens.ts";
import { TopK } from "./_top_k.ts";

/** BM25 term-frequency saturation. */
export const BM25_K1 = 1.2;
/** BM25 length normalisation. */
export const BM25_B = 0.75;

interface Postings {
  rows: number[];
  tfs: number[];
  /** Live rows holding the token. */
  df: number;
}

/** Scored rows of one lexical query, best first. */
export interface LexicalRows {
  readonly rows: number[];
  readonly scores: number[];
  /** The largest score any row could reach for this query: Σ idf · (k1 + 1). */
  readonly bound: number;
}

/** The tokens a row is indexed under: its title, then each attribute value. */
export function recordTokens(record: ProductRecord): string[] {
  const tokens = lexicalTokens(record.title);
  for (const value of Object.values(record.attrs)) {
    for (const t of lexicalTokens(String(value))) tokens.push(t);
  }
  return tokens;
}

/** BM25 inverted index keyed by row number. */
export class LexicalIndex {
  #postings = new Map<string, Postings>();
  #lengths: number[] = [];
  #live = 0;
  #totalLength = 0;
  #entries = 0;
  #scratch = new Float64Array(0);

  /** Live documents. */
  get size(): number {
    return this.#live;
  }

  /** Distinct tokens ever indexed (including ones only stale rows hold). */
  get vocabularySize(): number {
    return this.#postings.size;
  }

  /** Approximate bytes held by postings (live and stale), lengths and tokens. */
  get memoryBytes(): number {
    return this.#entries * 16 + this.#lengths.length * 8 +
      this.#postings.size * 96 + this.#scratch.byteLength;
  }

  /** Live rows containing `token` (already normalised). */
  documentFrequency(token: string): number {
    return this.#postings.get(token)?.df ?? 0;
  }

  /** Indexes `record` at `row`; rows must be added in ascending order. */
  add(row: number, record: ProductRecord): void {
    const counts = new Map<string, number>();
    const tokens = recordTokens(record);
    for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const [token, tf] of counts) {
      let p = this.#postings.get(token);
      if (p === undefined) {
        this.#postings.set(token, p = { rows: [], tfs: [], df: 0 });
      }
      p.rows.push(row);
      p.tfs.push(tf);
      p.df++;
      this.#entries++;
    }
    this.#lengths[row] = tokens.length;
    this.#live++;
    this.#totalLength += tokens.length;
  }

  /** Forgets a live row (the record it was added with gives its tokens). */
  remove(row: number, record: ProductRecord): void {
    for (const token of new Set(recordTokens(record))) {
      const p = this.#postings.get(token);
      if (p !== undefined) p.df--;
    }
    this.#live--;
    this.#totalLength -= this.#lengths[row] ?? 0;
  }

  /**
   * The best `k` rows for the query tokens that `accept` lets through (it must reject
   * stale rows), by BM25 summed over distinct query tokens; ties keep the row that the
   * query's first matching token lists first (deterministic for the same contents).
   */
  search(
    tokens: readonly string[],
    options: { readonly k: number; readonly accept: (row: number) => boolean },
  ): LexicalRows {
    const scores = this.#scratchFor(this.#lengths.length);
    const touched: number[] = [];
    let bound = 0;
    const avgLength = this.#live === 0 ? 1 : this.#totalLength / this.#live;
    for (const token of new Set(tokens)) {
      const p = this.#postings.get(token);
      if (p === undefined || p.df === 0) continue;
      const idf = Math.log(1 + (this.#live - p.df + 0.5) / (p.df + 0.5));
      bound += idf * (BM25_K1 + 1);
      for (let i = 0; i < p.rows.length; i++) {
        const row = p.rows[i] as number;
        const tf = p.tfs[i] as number;
        const norm = 1 - BM25_B +
          BM25_B * (this.#lengths[row] ?? 0) / avgLength;
        const before = scores[row] as number;
        if (before === 0) touched.push(row);
        scores[row] = before + idf * tf * (BM25_K1 + 1) / (tf + BM25_K1 * norm);
      }
    }
    const size = Math.min(options.k, touched.length);
    const top = new TopK(Math.max(1, size));
    top.reset(size);
    for (const row of touched) {
      const score = scores[row] as number;
      scores[row] = 0;
      if (score > top.threshold && options.accept(row)) top.push(row, score);
    }
    return {
      rows: Array.from(top.rows.subarray(0, top.count)),
      scores: Array.from(top.scores.subarray(0, top.count)),
      bound,
    };
  }

  #scratchFor(rows: number): Float64Array {
    if (this.#scratch.length < rows) {
      this.#scratch = new Float64Array(
        Math.max(rows, this.#scratch.length * 2),
      );
    }
    return this.#scratch;
  }
}
