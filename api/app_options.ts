/**
 * What the HTTP app depends on: a structural interface for the live index, the encode
 * stage's query encoder (its `encode` alone), limits and search tuning with their defaults.
 * @module
 */

import type { AttrFilter, ProductRecord, SearchHit } from "../types.ts";
import type { Logger } from "../log.ts";
import type { Metrics } from "../metrics.ts";
import type { QueryEncoder } from "../encode/mod.ts";
import type { LatencyWindow } from "./latency_window.ts";

/** Identity of the live index, shown in search responses and /readyz. */
export interface SearcherInfo {
  /** Index version (changes on every swap). */
  readonly version: string;
  /** Number of products in the index. */
  readonly size: number;
  /** Version of the model bundle whose vectors the index holds. */
  readonly modelVersion?: string;
}

/** Options of {@linkcode Searcher.search}. */
export interface SearcherOptions {
  /** Hits wanted. */
  readonly k: number;
  /** Attribute equality filters, ANDed. */
  readonly filters?: AttrFilter[];
  /**
   * Search depth (HNSW ef) for this call, 10..10000 as validated by the request
   * parsers; the index explores max(ef, k). @default the index's `expansionSearch`
   */
  readonly ef?: number;
}

/** What the app needs from the live index; the composition root (`app/start.ts`) provides it from `LiveIndex.searcher()`. */
export interface Searcher {
  /** False until an index is loaded; /readyz and /search answer 503 meanwhile. */
  readonly ready: boolean;
  /** Version and size of the index a request is served from. */
  info(): SearcherInfo;
  /**
   * Nearest products, best first (higher score is better); at most `k` hits. Must not
   * modify `vector`: the app may reuse it for later requests (query cache).
   */
  search(vector: Float32Array, options: SearcherOptions): SearchHit[];
  /** The stored record of one product, or `undefined`. */
  get(id: string): ProductRecord | undefined;
  /**
   * The lexical channel: products whose title or attribute tokens match `text`, best
   * BM25 first, at most `k`, filtered like `search`. Optional: without it /search
   * ranks by the ANN pool and keyword boost only.
   */
  searchLexical?(
    text: string,
    options: { k: number; filters?: AttrFilter[] },
  ): LexicalMatch[];
  /**
   * The JPEG thumbnail a record names (`record.thumb`), or undefined when it is gone.
   * Optional: without it no product has an image.
   */
  thumbnail?(record: ProductRecord): Promise<Uint8Array | undefined>;
}

/** One product found by the lexical channel. */
export interface LexicalMatch {
  /** Product id. */
  readonly id: string;
  /** BM25 score. */
  readonly score: number;
  /** BM25 score over the largest score the query could reach, 0..1. */
  readonly match: number;
  /** The stored record. */
  readonly record: ProductRecord;
}

/** Request limits; anything beyond them is a 4xx, never a 5xx. */
export interface AppLimits {
  /** Longest query, in Unicode code points after trimming. @default 512 */
  readonly maxQueryChars: number;
  /** Largest `k` accepted. @default 100 */
  readonly maxK: number;
  /** `k` when the request gives none. @default 10 */
  readonly defaultK: number;
  /** Most filters in one request. @default 8 */
  readonly maxFilters: number;
  /** Longest filter attribute name or value, in code points. @default 128 */
  readonly maxFilterChars: number;
  /** Largest request body, in bytes (JSON bodies of POST /search and admin). @default 16384 */
  readonly maxBodyBytes: number;
  /** Longest product id in GET /products/:id, in code points. @default 256 */
  readonly maxIdChars: number;
}

/** Defaults of {@linkcode AppLimits}. */
export const DEFAULT_LIMITS: AppLimits = Object.freeze({
  maxQueryChars: 512,
  maxK: 100,
  defaultK: 10,
  maxFilters: 8,
  maxFilterChars: 128,
  maxBodyBytes: 16_384,
  maxIdChars: 256,
});

/** How /search re-ranks ANN candidates with the lexical keyword signal. */
export interface SearchTuning {
  /**
   * Added to a hit's score for each detected query keyword found in its title or
   * attribute values (cosine scores live in [-1, 1]). 0 turns the lexical signal off.
   * @default 0.05
   */
  readonly keywordBoost: number;
  /**
   * Weight of the lexical channel's match (BM25 over the query's maximum, 0..1) added
   * to a candidate's score; its pool is fused with the ANN pool. 0 turns it off (and
   * it is off when the searcher has no `searchLexical`).
   * @default 0.1
   */
  readonly lexicalWeight: number;
  /**
   * Added to `lexicalWeight` in proportion to the share of query tokens that no
   * detected vocabulary keyword covers (words the towers may never have seen), so an
   * all-unknown query weighs the lexical match `lexicalWeight + lexicalUnknownWeight`.
   * @default 1.5
   */
  readonly lexicalUnknownWeight: number;
  /**
   * Candidate pool of each channel = clamp(k × poolFactor, minPool, maxPool) when
   * keywords were detected or the lexical channel is on. @default 5
   */
  readonly poolFactor: number;
  /** Smallest candidate pool. @default 50 */
  readonly minPool: number;
  /** Largest candidate pool (never below k). @default 1000 */
  readonly maxPool: number;
  /** Query encoding deadline; past it the request gets 503. @default 5000 */
  readonly encodeTimeoutMs: number;
  /** Recent search latencies kept for the /stats summary. @default 2048 */
  readonly latencyWindow: number;
  /**
   * Encoded queries kept (LRU, keyed by model version and query text); 0 disables.
   * @default 1024
   */
  readonly queryCacheSize: number;
}

/** Defaults of {@linkcode SearchTuning}. */
export const DEFAULT_TUNING: SearchTuning = Object.freeze({
  keywordBoost: 0.05,
  lexicalWeight: 0.1,
  lexicalUnknownWeight: 1.5,
  poolFactor: 5,
  minPool: 50,
  maxPool: 1000,
  encodeTimeoutMs: 5000,
  latencyWindow: 2048,
  queryCacheSize: 1024,
});

/** An admin action; its resolved value is returned as `{ result }`. */
export type AdminAction = (body: unknown) => Promise<unknown>;

/** Admin routes (POST /admin/:action); mounted only when `token` is non-empty. */
export interface AdminOptions {
  /** Bearer token required on every admin request; compared in constant time. */
  readonly token: string;
  /** Actions by name, e.g. `snapshot`, `swap`, `reindex`. */
  readonly actions: Readonly<Record<string, AdminAction>>;
}

/** Options of `createApp`. */
export interface AppOptions {
  /** The live index (read through once per request call). */
  readonly searcher: Searcher;
  /** Query tower + Keyword Enhancement: the encode stage's, or a fake in tests. */
  readonly encoder: Pick<QueryEncoder, "encode">;
  /** Pipeline figures for GET /stats (indexed, consumed, lag, …). */
  readonly stats: () => Record<string, unknown>;
  /** Registry the serve metrics are added to; rendered by GET /metrics. */
  readonly metrics: Metrics;
  /** Logger; the app logs through a child with `stage: "serve"`. */
  readonly log: Logger;
  /** Request limits. @default DEFAULT_LIMITS */
  readonly limits?: Partial<AppLimits>;
  /** Re-ranking and pool sizes. @default DEFAULT_TUNING */
  readonly tuning?: Partial<SearchTuning>;
  /** Admin routes; off when absent or when the token is empty. */
  readonly admin?: AdminOptions;
  /**
   * Where recent search latencies are kept (GET /stats reads it); pass one to read it
   * outside the app too. @default a new window of `tuning.latencyWindow`
   */
  readonly searchLatency?: LatencyWindow;
  /** Monotonic clock in ms, for `took_ms` and latency. @default performance.now */
  readonly now?: () => number;
  /** Searches running at once; more get 503 + Retry-After. @default 32 */
  readonly maxSearchesInFlight?: number;
  /**
   * Why the service is degraded though it serves (e.g. snapshots failing); /readyz
   * stays 200 and lists them. @default none
   */
  readonly degraded?: () => readonly string[];
}
