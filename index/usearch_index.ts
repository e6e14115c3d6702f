/**
 * HNSW index on USearch (cosine). Row numbers of the shared row store are the USearch
 * keys, so a key is never reused within one index: a replaced product gets a new row
 * and its old key is removed (USearch turns it into a tombstone slot that a later
 * insert recycles). Hits are re-scored exactly from the f32 row store, so scores match
 * the brute-force index even with f16/i8 quantization.
 * @module
 */

import usearch from "usearch";
import { IndexError } from "../errors.ts";
import type { AttrFilter, SearchHit } from "../types.ts";
import { BaseIndex, type SearchTuning } from "./_base_index.ts";
import { resolveOptions } from "./_options.ts";
import { scanAll, scanFiltered } from "./_scan.ts";
import type {
  ResolvedIndexOptions,
  UsearchIndexOptions,
  VectorIndex,
} from "./vector_index.ts";

type Native = InstanceType<typeof usearch.Index>;
type Matches = InstanceType<typeof usearch.Matches>;
type BatchMatches = InstanceType<typeof usearch.BatchMatches>;

const SCALARS = {
  f32: usearch.ScalarKind.F32,
  f16: usearch.ScalarKind.F16,
  i8: usearch.ScalarKind.I8,
} as const;

/** Approximate HNSW bytes per slot besides the vector (links on level 0 + upper levels). */
const GRAPH_BYTES_PER_LINK = 4;

/** Candidates fetched per wanted hit when vectors are quantized (f16, i8). */
const RERANK_FACTOR = 3;

/** USearch-backed {@linkcode VectorIndex}. */
export class UsearchIndex extends BaseIndex {
  #native: Native | undefined;
  #threads: number;
  #tombstones = 0;

  private constructor(options: ResolvedIndexOptions) {
    super(options);
    this.#threads = options.bulkThreads || navigator.hardwareConcurrency || 1;
    try {
      this.#native = new usearch.Index({
        dimensions: options.dims,
        metric: usearch.MetricKind.Cos,
        quantization: SCALARS[options.quantization],
        connectivity: options.connectivity,
        expansion_add: options.expansionAdd,
        // Each search asks for max(ef, hits) candidates and USearch explores
        // max(this, asked): 1 lets every search choose its own ef (SearchOptions.ef).
        expansion_search: 1,
        multi: false,
      });
    } catch (err: unknown) {
      throw new IndexError(
        "Cannot create USearch index: native constructor failed",
        {
          cause: err,
        },
      );
    }
  }

  /** Creates an empty index with resolved options. */
  static fromResolved(options: ResolvedIndexOptions): UsearchIndex {
    return new UsearchIndex({ ...options, kind: "usearch" });
  }

  /** Writes the native graph to a file (snapshots). */
  saveGraph(path: string): void {
    this.#index.save(path);
  }

  /**
   * Replaces the native graph with one saved by {@linkcode saveGraph}; the row store
   * must already hold the same rows. Used by snapshot loading only.
   */
  loadGraph(path: string, tombstones: number): void {
    this.#index.load(path);
    this.#tombstones = tombstones;
    if (this.#index.size() !== this.store.size) {
      throw new IndexError(
        `Cannot load USearch graph "${path}": it holds ${this.#index.size()} vectors, metadata holds ${this.store.size}`,
      );
    }
  }

  /** Tombstone count, recorded in snapshots so stats survive a reload. */
  get tombstones(): number {
    return this.#tombstones;
  }

  protected addRows(from: number, to: number): void {
    const dims = this.dims;
    const live: number[] = [];
    for (let row = from; row < to; row++) {
      if (this.store.record(row) !== undefined) live.push(row);
    }
    if (live.length === 0) return;
    const keys = new BigUint64Array(live.length);
    const slab = this.store.vectors;
    let vectors: Float32Array;
    if (live.length === to - from) {
      for (let i = 0; i < live.length; i++) keys[i] = BigInt(from + i);
      vectors = slab.subarray(from * dims, to * dims);
    } else {
      vectors = new Float32Array(live.length * dims);
      live.forEach((row, i) => {
        keys[i] = BigInt(row);
        vectors.set(slab.subarray(row * dims, (row + 1) * dims), i * dims);
      });
    }
    this.#index.add(keys, vectors, this.#threads);
    this.#tombstones = Math.max(0, this.#tombstones - live.length);
  }

  protected removeRow(row: number): void {
    if (this.#index.remove(BigInt(row)) as number > 0) this.#tombstones++;
  }

  protected searchInto(
    query: Float32Array,
    offset: number,
    k: number,
    filters: readonly AttrFilter[],
    ef: number,
  ): void {
    const live = this.store.size;
    const q = offset === 0 && query.length === this.dims
      ? query
      : query.subarray(offset, offset + this.dims);
    let pool = live;
    let wanted = Math.min(Math.max(this.#oversample(k), ef), live);
    if (filters.length > 0) {
      pool = this.store.candidates(filters).size;
      if (pool <= this.options.exactFilterMaxRows) {
        scanFiltered(this.store, query, offset, filters, this.top);
        return;
      }
      // Expect pool/live of the candidates to pass: widen the list so that about
      // max(ef, 2k) of them match, the list an unfiltered search of ef would rank.
      wanted = Math.min(
        live,
        Math.max(k * 4, Math.ceil((Math.max(ef, 2 * k) * live) / pool)),
      );
    }
    const need = Math.min(k, pool);
    const accept = this.store.matcher(filters);
    for (;;) {
      const m = this.#index.search(q, wanted, 1) as Matches;
      this.top.reset(k);
      this.#collect(
        { keys: m.keys, count: m.keys.length, start: 0 },
        query,
        offset,
        accept,
      );
      if (this.top.count >= need) return;
      const next = wanted * 4;
      if (next > live / 4 || wanted >= live) break;
      wanted = next;
    }
    // The graph did not yield enough matches: an exact scan is cheaper than a wider search.
    this.top.reset(k);
    if (filters.length > 0) {
      scanFiltered(this.store, query, offset, filters, this.top);
    } else scanAll(this.store, query, offset, this.top);
  }

  protected override searchManyNormalised(
    queries: Float32Array,
    k: number,
    tuning: SearchTuning,
  ): SearchHit[][] {
    const n = queries.length / this.dims;
    const live = this.store.size;
    const filters = tuning.filters;
    if (filters.length > 0 || n < 2 || live === 0) {
      return super.searchManyNormalised(queries, k, tuning);
    }
    const wanted = Math.min(Math.max(this.#oversample(k), tuning.ef), live);
    const res = this.#index.search(
      queries,
      wanted,
      this.#threads,
    ) as BatchMatches;
    const out: SearchHit[][] = new Array(n);
    const accept = this.store.matcher(filters);
    for (let i = 0; i < n; i++) {
      const count = Number(res.counts[i]);
      this.top.reset(k);
      this.#collect(
        { keys: res.keys, count, start: i * wanted },
        queries,
        i * this.dims,
        accept,
      );
      out[i] = this.top.count >= Math.min(k, live)
        ? this.top.hits(this.store)
        : this.searchNormalised(queries, i * this.dims, k, tuning);
    }
    return out;
  }

  /** Quantized distances are coarse: fetch extra candidates and re-rank them exactly. */
  #oversample(k: number): number {
    return this.options.quantization === "f32" ? k : k * RERANK_FACTOR;
  }

  /** Re-scores native hits exactly and pushes live rows that `accept` passes into `top`. */
  #collect(
    hits: { keys: BigUint64Array; count: number; start: number },
    query: Float32Array,
    offset: number,
    accept: (row: number) => boolean,
  ): void {
    const { keys, count, start } = hits;
    for (let i = start; i < start + count; i++) {
      const row = Number(keys[i]);
      if (!accept(row)) continue;
      this.top.push(row, this.store.dot(row, query, offset));
    }
  }

  protected nativeStats() {
    const capacity = this.#index.capacity();
    const o = this.options;
    const bytesPerScalar = o.quantization === "f32"
      ? 4
      : o.quantization === "f16"
      ? 2
      : 1;
    const perSlot = o.dims * bytesPerScalar +
      o.connectivity * 2 * GRAPH_BYTES_PER_LINK + 16;
    return {
      capacity,
      tombstones: this.#tombstones,
      memoryBytes: capacity * perSlot,
    };
  }

  protected disposeNative(): void {
    // The binding has no explicit free: dropping the reference lets the GC finaliser
    // release the native memory.
    this.#native = undefined;
  }

  get #index(): Native {
    if (this.#native === undefined) {
      throw new IndexError("Cannot use USearch index: it has been disposed");
    }
    return this.#native;
  }
}

/**
 * Creates a USearch (HNSW, cosine) index.
 * @throws {RangeError} listing every invalid option
 * @throws {IndexError} when the native index cannot be created
 */
export function createUsearchIndex(options: UsearchIndexOptions): VectorIndex {
  return UsearchIndex.fromResolved(resolveOptions("usearch", options));
}
