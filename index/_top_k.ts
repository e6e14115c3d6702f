/**
 * Top-k selection: the k best (row, score) pairs of a query, by any scorer.
 * @module
 */

import type { ProductRecord, SearchHit } from "../types.ts";

/** Keeps the k best (row, score) pairs, sorted by score descending. */
export class TopK {
  readonly rows: Int32Array;
  readonly scores: Float64Array;
  #k = 0;
  count = 0;

  constructor(maxK: number) {
    this.rows = new Int32Array(maxK);
    this.scores = new Float64Array(maxK);
  }

  /** Empties the collector for a new query of size k. */
  reset(k: number): void {
    this.#k = k;
    this.count = 0;
  }

  /** The score a candidate must beat to enter, or -Infinity while not full. */
  get threshold(): number {
    return this.count < this.#k
      ? -Infinity
      : this.scores[this.count - 1] as number;
  }

  push(row: number, score: number): void {
    if (
      this.count === this.#k && score <= (this.scores[this.count - 1] as number)
    ) return;
    let i = this.count < this.#k ? this.count++ : this.count - 1;
    // Ties keep the lower row first so results are deterministic across implementations.
    while (i > 0 && (this.scores[i - 1] as number) < score) {
      this.scores[i] = this.scores[i - 1] as number;
      this.rows[i] = this.rows[i - 1] as number;
      i--;
    }
    this.scores[i] = score;
    this.rows[i] = row;
  }

  /** The collected hits with their records (`store` is the index's row store). */
  hits(
    store: { record(row: number): ProductRecord | undefined },
  ): SearchHit[] {
    const out: SearchHit[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) {
      const record = store.record(this.rows[i] as number);
      if (record === undefined) throw new Error("TopK holds a stale row");
      out[i] = { id: record.id, score: this.scores[i] as number, record };
    }
    return out;
  }
}
