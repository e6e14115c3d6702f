/**
 * Rows of product records with their L2-normalised vectors in one growable slab, an
 * id → row map and attribute posting lists. Rows are never reused: a replaced or
 * removed product leaves a stale row until the index is rebuilt, so a row number is a
 * stable key for the native index.
 * @module
 */

import type { AttrFilter, ProductRecord } from "../types.ts";
import { LexicalIndex } from "./_lexical_index.ts";
import { filterValueKey } from "./lexical_tokens.ts";

const SEP = "\u0000";

/**
 * The posting-list key of an attribute value; values compare as strings, case- and
 * width-insensitively (see {@linkcode filterValueKey}).
 */
export function postingKey(attr: string, value: unknown): string {
  return attr + SEP + filterValueKey(value);
}

/** Record and vector storage shared by both index implementations. */
export class RowStore {
  readonly dims: number;
  #vectors: Float32Array;
  #records: (ProductRecord | undefined)[] = [];
  #byId = new Map<string, number>();
  #postings = new Map<string, Set<number>>();
  #rows = 0;
  /** BM25 postings of every live row's title and attribute values. */
  readonly lexical: LexicalIndex = new LexicalIndex();

  constructor(dims: number, initialCapacity: number) {
    this.dims = dims;
    this.#vectors = new Float32Array(Math.max(1, initialCapacity) * dims);
  }

  /** Live products. */
  get size(): number {
    return this.#byId.size;
  }

  /** Rows ever allocated (live + stale). */
  get rows(): number {
    return this.#rows;
  }

  /** Rows the slab holds before it grows. */
  get capacity(): number {
    return this.#vectors.length / this.dims;
  }

  /** The vector slab; row r lives at `[r * dims, (r + 1) * dims)`. Do not keep it. */
  get vectors(): Float32Array {
    return this.#vectors;
  }

  /** Approximate bytes held by vectors, records, maps and the lexical postings. */
  get memoryBytes(): number {
    return this.#vectors.byteLength + this.#rows * 16 + this.size * 400 +
      this.lexical.memoryBytes;
  }

  rowOf(id: string): number | undefined {
    return this.#byId.get(id);
  }

  record(row: number): ProductRecord | undefined {
    return this.#records[row];
  }

  ids(): IterableIterator<string> {
    return this.#byId.keys();
  }

  /** Live rows in ascending order. */
  *liveRows(): IterableIterator<number> {
    for (let row = 0; row < this.#rows; row++) {
      if (this.#records[row] !== undefined) yield row;
    }
  }

  /** Makes room for `extra` more rows, doubling the slab as needed. */
  reserve(extra: number): void {
    const need = this.#rows + extra;
    let cap = this.capacity;
    if (need <= cap) return;
    while (cap < need) cap *= 2;
    const next = new Float32Array(cap * this.dims);
    next.set(this.#vectors.subarray(0, this.#rows * this.dims));
    this.#vectors = next;
  }

  /**
   * Appends a row for `record`, its vector copied from `source` at `offset` (already
   * normalised). Returns the new row; the previous row of the id, if any, is killed and
   * returned through `replaced`.
   */
  append(
    record: ProductRecord,
    source: Float32Array,
    offset: number,
  ): { row: number; replaced: number } {
    this.reserve(1);
    const old = this.#byId.get(record.id);
    if (old !== undefined) this.kill(old);
    const row = this.#rows++;
    this.#vectors.set(
      source.subarray(offset, offset + this.dims),
      row * this.dims,
    );
    this.#records[row] = record;
    this.#byId.set(record.id, row);
    for (const [attr, value] of Object.entries(record.attrs)) {
      const key = postingKey(attr, value);
      let set = this.#postings.get(key);
      if (set === undefined) this.#postings.set(key, set = new Set());
      set.add(row);
    }
    this.lexical.add(row, record);
    return { row, replaced: old ?? -1 };
  }

  /** Places a record at a given row (snapshot load); rows must come in ascending order. */
  restore(
    row: number,
    record: ProductRecord,
    source: Float32Array,
    offset: number,
  ) {
    if (row < this.#rows || this.#byId.has(record.id)) {
      throw new RangeError(
        `Cannot restore row ${row} for "${record.id}": rows out of order or id repeated`,
      );
    }
    this.#rows = row;
    this.append(record, source, offset);
  }

  /** Moves the next free row to `rows` (snapshot load: keeps keys unique after stale tail rows). */
  skipTo(rows: number): void {
    if (rows < this.#rows) {
      throw new RangeError(
        `Cannot skip to row ${rows}: ${this.#rows} rows are in use`,
      );
    }
    this.#rows = rows;
  }

  /** Marks a row stale; returns false when it was not live. */
  kill(row: number): boolean {
    const record = this.#records[row];
    if (record === undefined) return false;
    this.#records[row] = undefined;
    if (this.#byId.get(record.id) === row) this.#byId.delete(record.id);
    for (const [attr, value] of Object.entries(record.attrs)) {
      const key = postingKey(attr, value);
      const set = this.#postings.get(key);
      set?.delete(row);
      if (set?.size === 0) this.#postings.delete(key);
    }
    this.lexical.remove(row, record);
    return true;
  }

  /** The smallest posting list among the filters (empty when any filter matches nothing). */
  candidates(filters: readonly AttrFilter[]): ReadonlySet<number> {
    let best: Set<number> | undefined;
    for (const f of filters) {
      const set = this.#postings.get(postingKey(f.attr, f.value));
      if (set === undefined) return EMPTY;
      if (best === undefined || set.size < best.size) best = set;
    }
    return best ?? EMPTY;
  }

  /**
   * A row test for the filters: true when the row is live and every filter matches its
   * attributes (values compared by {@linkcode filterValueKey}). It reads the posting
   * lists, which hold live rows only, so each call is a few set lookups.
   */
  matcher(filters: readonly AttrFilter[]): (row: number) => boolean {
    if (filters.length === 0) return (row) => this.#records[row] !== undefined;
    const sets: ReadonlySet<number>[] = [];
    for (const f of filters) {
      const set = this.#postings.get(postingKey(f.attr, f.value));
      if (set === undefined) return () => false;
      sets.push(set);
    }
    sets.sort((a, b) => a.size - b.size);
    return (row) => sets.every((set) => set.has(row));
  }

  /** Cosine similarity of a row with a normalised query at `qOffset` in `query`. */
  dot(row: number, query: Float32Array, qOffset: number): number {
    const v = this.#vectors;
    const base = row * this.dims;
    let s = 0;
    for (let i = 0; i < this.dims; i++) {
      s += (v[base + i] as number) * (query[qOffset + i] as number);
    }
    return s;
  }
}

const EMPTY: ReadonlySet<number> = new Set();
