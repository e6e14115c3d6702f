/**
 * The `VectorIndex` contract shared by the USearch and brute-force implementations.
 * @module
 */

import type { AttrFilter, ProductRecord, SearchHit } from "../types.ts";

/** Which implementation backs an index. */
export type IndexKind = "usearch" | "brute-force";

/** How USearch stores vectors. */
export type Quantization = "f32" | "f16" | "i8";

/** Options shared by every index implementation. */
export interface IndexOptions {
  /** Length of every vector. */
  readonly dims: number;
  /** Version of the model that produced the vectors; vectors of two models never mix. */
  readonly modelVersion: string;
  /** Rows reserved up front; the index grows past it by doubling. @default 1024 */
  readonly initialCapacity?: number;
  /**
   * A filtered search whose candidate set (the smallest posting list among the filters)
   * has at most this many rows scans those rows exactly instead of oversampling the graph.
   * @default 4096
   */
  readonly exactFilterMaxRows?: number;
}

/** Options of the USearch (HNSW) implementation. Defaults were picked by measured recall. */
export interface UsearchIndexOptions extends IndexOptions {
  /** HNSW graph degree (M). @default 32 */
  readonly connectivity?: number;
  /** Candidate list size while inserting (efConstruction). @default 128 */
  readonly expansionAdd?: number;
  /**
   * Candidate list size while searching (ef) when a search names none; a search can ask
   * for another with {@linkcode SearchOptions.ef}, without a rebuild. @default 512
   */
  readonly expansionSearch?: number;
  /** Stored scalar type. @default "f32" */
  readonly quantization?: Quantization;
  /**
   * Threads used by bulk inserts and `searchMany`; 0 = all cores. Concurrent inserts
   * occasionally leave a node unreachable in USearch 2.26 (measured: 1 missed self-hit
   * in 12,000 lookups on 300-node graphs with 2 threads, none with 1), and they block the
   * event loop on every core, so the default is one thread.
   * @default 1
   */
  readonly bulkThreads?: number;
}

/** Fully resolved options, recorded in snapshot manifests. */
export interface ResolvedIndexOptions {
  /** Implementation. */
  readonly kind: IndexKind;
  /** See {@linkcode IndexOptions.dims}. */
  readonly dims: number;
  /** See {@linkcode IndexOptions.modelVersion}. */
  readonly modelVersion: string;
  /** See {@linkcode IndexOptions.initialCapacity}. */
  readonly initialCapacity: number;
  /** See {@linkcode IndexOptions.exactFilterMaxRows}. */
  readonly exactFilterMaxRows: number;
  /** See {@linkcode UsearchIndexOptions.connectivity} (unused by brute force). */
  readonly connectivity: number;
  /** See {@linkcode UsearchIndexOptions.expansionAdd} (unused by brute force). */
  readonly expansionAdd: number;
  /** See {@linkcode UsearchIndexOptions.expansionSearch} (unused by brute force). */
  readonly expansionSearch: number;
  /** See {@linkcode UsearchIndexOptions.quantization} (unused by brute force). */
  readonly quantization: Quantization;
  /** See {@linkcode UsearchIndexOptions.bulkThreads} (unused by brute force). */
  readonly bulkThreads: number;
}

/** Search parameters. */
export interface SearchOptions {
  /** Number of hits wanted (1..10000); fewer come back only if fewer products match. */
  readonly k: number;
  /** Attribute equality filters, ANDed; values compared as strings. */
  readonly filters?: readonly AttrFilter[];
  /**
   * HNSW candidate list size for this search (1..10000): higher finds more of the true
   * nearest neighbours at a higher cost. USearch explores max(ef, hits asked for).
   * Ignored by brute force. @default the index's `expansionSearch`
   */
  readonly ef?: number;
}

/** Parameters of a lexical (BM25) search. */
export interface LexicalSearchOptions {
  /** Number of hits wanted (1..10000). */
  readonly k: number;
  /** Attribute equality filters, ANDed, as in {@linkcode SearchOptions}. */
  readonly filters?: readonly AttrFilter[];
}

/** One product found by the lexical channel. */
export interface LexicalHit {
  /** Product id. */
  readonly id: string;
  /** BM25 score (k1 1.2, b 0.75) summed over the distinct query tokens. */
  readonly score: number;
  /**
   * `score` over the largest score the query could reach (Σ idf · (k1 + 1)), in [0, 1):
   * comparable across queries; about 0.5 when every query token occurs once in a title
   * of average length, higher for repeated tokens or short titles.
   */
  readonly match: number;
  /** The stored record. */
  readonly record: ProductRecord;
}

/** One item of a bulk upsert. */
export interface UpsertItem {
  /** The product's record. */
  readonly record: ProductRecord;
  /** Its embedding; any norm but zero. */
  readonly vector: Float32Array;
}

/** Counters used to report on an index and to decide when to compact it. */
export interface IndexStats {
  /** Implementation. */
  readonly kind: IndexKind;
  /** Vector length. */
  readonly dims: number;
  /** Model version of the vectors. */
  readonly modelVersion: string;
  /** Live products. */
  readonly size: number;
  /** Rows the index can hold before it grows. */
  readonly capacity: number;
  /** Rows whose product was deleted or replaced since the index was built. */
  readonly staleRows: number;
  /** `staleRows / (size + staleRows)`; compaction is worth it past ~0.3. */
  readonly staleRatio: number;
  /** Removed slots USearch keeps as tombstones until an insert reuses them. */
  readonly tombstones: number;
  /** Estimated bytes held by vectors, graph and metadata. */
  readonly memoryBytes: number;
}

/** A searchable store of product vectors with their records, keyed by product id. */
export interface VectorIndex extends Disposable {
  /** Implementation. */
  readonly kind: IndexKind;
  /** Vector length. */
  readonly dims: number;
  /** Model version of the vectors; vectors of two models never mix. */
  readonly modelVersion: string;
  /** Live products. */
  readonly size: number;
  /** The options the index was built with, defaults applied. */
  readonly options: ResolvedIndexOptions;
  /**
   * Inserts a product or replaces the vector and record of the same id.
   * @throws {TypeError} on a malformed record or vector
   * @throws {RangeError} on wrong dimensions, non-finite values or a zero vector
   */
  upsert(record: ProductRecord, vector: Float32Array): void;
  /** Bulk {@linkcode upsert}; validates every item before changing anything. */
  upsertMany(items: readonly UpsertItem[]): void;
  /** Removes a product; false when the id was not present. */
  remove(id: string): boolean;
  /** The record stored for an id. */
  get(id: string): ProductRecord | undefined;
  /** A copy of the stored, L2-normalised vector of an id. */
  vector(id: string): Float32Array | undefined;
  /**
   * Nearest products by cosine similarity (score = 1 − cosine distance), best first.
   * @throws {TypeError} on a malformed vector or options
   * @throws {RangeError} on wrong dimensions, non-finite values or k out of range
   */
  search(vector: Float32Array, options: SearchOptions): SearchHit[];
  /** {@linkcode search} for several queries; one array of hits per query. */
  searchMany(
    vectors: readonly Float32Array[],
    options: SearchOptions,
  ): SearchHit[][];
  /**
   * Products whose title or attribute values share tokens with `text` (normalised by
   * `lexicalTokens`), best BM25 score first; no hits when no token matches.
   * @throws {TypeError} when `text` is not a string or on malformed options
   * @throws {RangeError} when k is out of range
   */
  searchLexical(text: string, options: LexicalSearchOptions): LexicalHit[];
  /** Live product ids. */
  ids(): IterableIterator<string>;
  /** Sizes and stale-slot counters (compaction trigger: `staleRatio`). */
  stats(): IndexStats;
}
