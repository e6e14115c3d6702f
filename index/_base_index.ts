/**
 * The facade both index implementations share: input checks, record storage and the
 * id ↔ row mapping. Subclasses only mirror row inserts/removes into their search
 * structure and answer top-k queries.
 * @module
 */

import { IndexError } from "../errors.ts";
import type { AttrFilter, ProductRecord, SearchHit } from "../types.ts";
import { RowStore } from "./_store.ts";
import { TopK } from "./_top_k.ts";
import {
  checkRecord,
  checkSearchOptions,
  MAX_K,
  normaliseInto,
} from "./_validate.ts";
import { lexicalTokens } from "./lexical_tokens.ts";
import type {
  IndexKind,
  IndexStats,
  LexicalHit,
  LexicalSearchOptions,
  ResolvedIndexOptions,
  SearchOptions,
  UpsertItem,
  VectorIndex,
} from "./vector_index.ts";

/** Shared implementation of {@linkcode VectorIndex}. */
export abstract class BaseIndex implements VectorIndex {
  readonly options: ResolvedIndexOptions;
  protected readonly store: RowStore;
  protected readonly top: TopK = new TopK(MAX_K);
  #query: Float32Array;
  #disposed = false;

  protected constructor(options: ResolvedIndexOptions) {
    this.options = options;
    this.store = new RowStore(options.dims, options.initialCapacity);
    this.#query = new Float32Array(options.dims);
  }

  get kind(): IndexKind {
    return this.options.kind;
  }
  get dims(): number {
    return this.options.dims;
  }
  get modelVersion(): string {
    return this.options.modelVersion;
  }
  get size(): number {
    return this.store.size;
  }

  /** Mirrors new rows `[from, to)` (skipping stale ones) into the search structure. */
  protected abstract addRows(from: number, to: number): void;
  /** Mirrors the removal of a row that `addRows` had added. */
  protected abstract removeRow(row: number): void;
  /**
   * Fills `this.top` with the best k live rows for a normalised query; `ef` is the
   * candidate list size asked for (graph indexes only).
   */
  protected abstract searchInto(
    query: Float32Array,
    offset: number,
    k: number,
    filters: readonly AttrFilter[],
    ef: number,
  ): void;
  /** Implementation-specific stats. */
  protected abstract nativeStats(): {
    capacity: number;
    tombstones: number;
    memoryBytes: number;
  };

  upsert(record: ProductRecord, vector: Float32Array): void {
    this.#alive("upsert");
    checkRecord(record);
    normaliseInto("upsert", vector, this.dims, this.#query, 0);
    const from = this.store.rows;
    const { replaced } = this.store.append(record, this.#query, 0);
    if (replaced >= 0) this.removeRow(replaced);
    this.addRows(from, from + 1);
  }

  upsertMany(items: readonly UpsertItem[]): void {
    this.#alive("upsert");
    if (!Array.isArray(items)) {
      throw new TypeError("Cannot upsert: items must be an array");
    }
    const dims = this.dims;
    const staged = new Float32Array(items.length * dims);
    items.forEach((item, i) => {
      checkRecord(item?.record);
      normaliseInto("upsert", item.vector, dims, staged, i * dims);
    });
    const from = this.store.rows;
    this.store.reserve(items.length);
    items.forEach((item, i) => {
      const { replaced } = this.store.append(item.record, staged, i * dims);
      if (replaced >= 0 && replaced < from) this.removeRow(replaced);
    });
    this.addRows(from, this.store.rows);
  }

  remove(id: string): boolean {
    this.#alive("remove");
    if (typeof id !== "string") {
      throw new TypeError("Cannot remove: id must be a string");
    }
    const row = this.store.rowOf(id);
    if (row === undefined) return false;
    this.store.kill(row);
    this.removeRow(row);
    return true;
  }

  get(id: string): ProductRecord | undefined {
    const row = this.store.rowOf(id);
    return row === undefined ? undefined : this.store.record(row);
  }

  vector(id: string): Float32Array | undefined {
    const row = this.store.rowOf(id);
    if (row === undefined) return undefined;
    return this.store.vectors.slice(row * this.dims, (row + 1) * this.dims);
  }

  ids(): IterableIterator<string> {
    return this.store.ids();
  }

  search(vector: Float32Array, options: SearchOptions): SearchHit[] {
    this.#alive("search");
    const { k, filters, ef } = checkSearchOptions(options);
    normaliseInto("search", vector, this.dims, this.#query, 0);
    return this.searchNormalised(this.#query, 0, k, {
      filters: filters ?? NO_FILTERS,
      ef: ef ?? this.options.expansionSearch,
    });
  }

  searchMany(
    vectors: readonly Float32Array[],
    options: SearchOptions,
  ): SearchHit[][] {
    this.#alive("search");
    if (!Array.isArray(vectors)) {
      throw new TypeError("Cannot search: vectors must be an array");
    }
    const { k, filters, ef } = checkSearchOptions(options);
    const dims = this.dims;
    const queries = new Float32Array(vectors.length * dims);
    vectors.forEach((v, i) =>
      normaliseInto("search", v, dims, queries, i * dims)
    );
    return this.searchManyNormalised(queries, k, {
      filters: filters ?? NO_FILTERS,
      ef: ef ?? this.options.expansionSearch,
    });
  }

  searchLexical(text: string, options: LexicalSearchOptions): LexicalHit[] {
    this.#alive("search");
    if (typeof text !== "string") {
      throw new TypeError("Cannot search: text must be a string");
    }
    const { k, filters = NO_FILTERS } = checkSearchOptions(options);
    const store = this.store;
    const found = store.lexical.search(lexicalTokens(text), {
      k,
      accept: store.matcher(filters),
    });
    return found.rows.map((row, i) => {
      const record = store.record(row) as ProductRecord;
      const score = found.scores[i] as number;
      return { id: record.id, score, match: score / found.bound, record };
    });
  }

  /** Searches normalised queries packed in one matrix; subclasses may batch it. */
  protected searchManyNormalised(
    queries: Float32Array,
    k: number,
    tuning: SearchTuning,
  ): SearchHit[][] {
    const n = queries.length / this.dims;
    const out: SearchHit[][] = new Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = this.searchNormalised(queries, i * this.dims, k, tuning);
    }
    return out;
  }

  protected searchNormalised(
    query: Float32Array,
    offset: number,
    k: number,
    tuning: SearchTuning,
  ): SearchHit[] {
    this.top.reset(k);
    if (this.store.size > 0) {
      this.searchInto(query, offset, k, tuning.filters, tuning.ef);
    }
    return this.top.hits(this.store);
  }

  stats(): IndexStats {
    const native = this.nativeStats();
    const stale = this.store.rows - this.store.size;
    return {
      kind: this.kind,
      dims: this.dims,
      modelVersion: this.modelVersion,
      size: this.store.size,
      capacity: native.capacity,
      staleRows: stale,
      staleRatio: this.store.rows === 0 ? 0 : stale / this.store.rows,
      tombstones: native.tombstones,
      memoryBytes: this.store.memoryBytes + native.memoryBytes,
    };
  }

  /**
   * Fills an empty index with rows from a snapshot (vectors already normalised, one per
   * row, in the same order). `mirror` is false when the caller loads the native search
   * structure itself.
   * @throws {IndexError} when the index is not empty or the rows are inconsistent
   */
  restoreRows(
    rows: {
      readonly rows: readonly number[];
      readonly records: readonly ProductRecord[];
    },
    vectors: Float32Array,
    options: { readonly totalRows: number; readonly mirror: boolean },
  ): void {
    if (this.store.rows !== 0) {
      throw new IndexError("Cannot restore rows: the index is not empty");
    }
    const dims = this.dims;
    if (
      rows.rows.length !== rows.records.length ||
      vectors.length !== rows.rows.length * dims
    ) {
      throw new IndexError(
        "Cannot restore rows: rows, records and vectors differ in count",
      );
    }
    try {
      this.store.reserve(options.totalRows);
      rows.records.forEach((record, i) => {
        checkRecord(record);
        this.store.restore(rows.rows[i] as number, record, vectors, i * dims);
      });
      this.store.skipTo(options.totalRows);
    } catch (err: unknown) {
      throw new IndexError("Cannot restore rows: invalid snapshot data", {
        cause: err,
      });
    }
    if (options.mirror) this.addRows(0, this.store.rows);
  }

  /** Live rows and their records, for snapshots and rebuilds. */
  get rowStore(): RowStore {
    return this.store;
  }

  [Symbol.dispose](): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.disposeNative();
  }

  /** Releases native resources. */
  protected abstract disposeNative(): void;

  #alive(action: string): void {
    if (this.#disposed) {
      throw new IndexError(`Cannot ${action}: the index has been disposed`);
    }
  }
}

const NO_FILTERS: readonly AttrFilter[] = [];

/** Checked filters and the candidate list size of one search. */
export interface SearchTuning {
  readonly filters: readonly AttrFilter[];
  readonly ef: number;
}
