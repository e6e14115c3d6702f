/**
 * The search request path: encode the query (with a deadline), fetch an ANN candidate
 * pool, re-rank it with the lexical keyword signal, shape the response. Records
 * latency metrics and a window of recent latencies.
 * @module
 */

import type { Counter, Histogram, Metrics } from "../metrics.ts";
import { QueryCache } from "./query_cache.ts";
import type { QueryEmbedding, QueryEncoder } from "../encode/mod.ts";
import type { Searcher, SearchTuning } from "./app_options.ts";
import { HttpError, notReady, quote } from "./http_error.ts";
import { type LatencySummary, LatencyWindow } from "./latency_window.ts";
import {
  productMatchText,
  type RankedHit,
  unknownShare,
} from "./lexical_rerank.ts";
import { fuseChannels } from "./hybrid_fusion.ts";
import type { AttrFilter, ProductRecord } from "../types.ts";
import { lexicalTokens } from "../tokens.ts";
import type { SearchRequest } from "./search_request.ts";
import { imagePath } from "./product_routes.ts";

/** One hit as the API returns it. */
export interface HitBody {
  /** Product id. */
  readonly id: string;
  /** ANN score (cosine) plus the keyword boost and the weighted lexical match, at least 0; higher is better. */
  readonly score: number;
  /** Product title. */
  readonly title: string;
  /** Product attributes. */
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Modal Adaptation weights of the product (sum to 1). */
  readonly weights: { readonly title: number; readonly image: number };
  /** Query keywords found in the product's title or attributes. */
  readonly keywords: string[];
  /** Lexical (BM25) match of the query in the product's text, 0..1 (0: none). */
  readonly lexical: number;
  /** Path of the product's thumbnail (`/products/:id/image`), null when it has none. */
  readonly image: string | null;
}

/** The body of a successful search. */
export interface SearchBody {
  /** Best hits first, at most k. */
  readonly hits: HitBody[];
  /** Time spent on the search (encode, index, re-rank), ms. */
  readonly took_ms: number;
  /** The index the hits came from. */
  readonly index: { version: string; size: number; model_version?: string };
  /** Why there are no hits, when the service can tell (a query without words, a filter nothing matches). */
  readonly notice?: { readonly code: string; readonly message: string };
}

/** Options of {@linkcode SearchService}. */
export interface SearchServiceOptions {
  readonly searcher: Searcher;
  readonly encoder: Pick<QueryEncoder, "encode">;
  readonly tuning: SearchTuning;
  readonly metrics: Metrics;
  readonly now: () => number;
  /** Recent latencies. @default a new window of `tuning.latencyWindow` */
  readonly latency?: LatencyWindow;
}

/** Runs searches; one instance per app. */
export class SearchService {
  readonly #o: SearchServiceOptions;
  readonly #latency: LatencyWindow;
  readonly #searchMs: Histogram;
  readonly #encodeMs: Histogram;
  readonly #annMs: Histogram;
  readonly #cache: QueryCache;
  readonly #cacheLookups: Counter;
  readonly #zeroVectors: Counter;
  /** Records are immutable and replaced on update, so their text can be cached by identity. */
  readonly #texts = new WeakMap<ProductRecord, string>();
  readonly #textOf = (record: ProductRecord): string => {
    let text = this.#texts.get(record);
    if (text === undefined) {
      text = productMatchText(record);
      this.#texts.set(record, text);
    }
    return text;
  };

  constructor(options: SearchServiceOptions) {
    this.#o = options;
    this.#latency = options.latency ??
      new LatencyWindow(options.tuning.latencyWindow);
    this.#cache = new QueryCache(options.tuning.queryCacheSize);
    const m = options.metrics;
    this.#searchMs = m.histogram(
      "serve_search_latency_ms",
      "Search request latency including query encoding, ms",
    );
    this.#encodeMs = m.histogram(
      "serve_query_encode_ms",
      "Query encoding time, ms",
    );
    this.#cacheLookups = m.counter(
      "serve_query_cache_total",
      "Query cache lookups by result (hit, miss)",
    );
    this.#zeroVectors = m.counter(
      "serve_zero_query_vectors_total",
      "Queries whose encoding was all zeros (answered with no hits)",
    );
    this.#annMs = m.histogram(
      "serve_ann_search_ms",
      "Index search and lexical re-ranking time, ms",
    );
  }

  /**
   * Answers one validated request.
   * @throws {HttpError} 503 when the searcher is not ready or encoding times out
   */
  async search(
    request: SearchRequest,
    signal?: AbortSignal,
  ): Promise<SearchBody> {
    const { searcher, now } = this.#o;
    const started = now();
    if (!searcher.ready) throw notReady();
    const info = searcher.info();
    const index = {
      version: info.version,
      size: info.size,
      ...(info.modelVersion ? { model_version: info.modelVersion } : {}),
    };
    if (lexicalTokens(request.query).length === 0) {
      // Emoji or symbols only: every product would be an arbitrary match.
      return {
        hits: [],
        took_ms: round(now() - started),
        index,
        notice: {
          code: "no_words",
          message: `Query ${
            quote(request.query)
          } has no letters or digits to search for`,
        },
      };
    }
    const encoded = await this.#cachedEncode(
      request.query,
      info.modelVersion ?? "",
      signal,
    );
    const annStarted = now();
    const ranked = this.#rank(request, encoded);
    const done = now();
    this.#annMs.observe(done - annStarted);
    this.#searchMs.observe(done - started);
    this.#latency.add(done - started);
    const notice = ranked.length === 0 && request.filters.length > 0
      ? this.#filterNotice(request, encoded)
      : undefined;
    return {
      hits: ranked.map((r) => toHitBody(r, searcher)),
      took_ms: round(done - started),
      index,
      ...(notice ? { notice } : {}),
    };
  }

  /** Names the filters that match no product on their own, when a filtered search is empty. */
  #filterNotice(
    request: SearchRequest,
    encoded: QueryEmbedding,
  ): { code: string; message: string } {
    const { searcher } = this.#o;
    const alone = (filter: AttrFilter) =>
      this.#hasDirection(encoded.vector)
        ? searcher.search(encoded.vector, {
          k: 1,
          filters: [filter],
          ...(request.ef === undefined ? {} : { ef: request.ef }),
        }).length
        : (searcher.searchLexical?.(request.query, { k: 1, filters: [filter] })
          .length ?? 1);
    const dead = request.filters.filter((f) => alone(f) === 0);
    const named = (fs: readonly AttrFilter[]) =>
      fs.map((f) => `${f.attr}:${f.value}`).join(", ");
    return dead.length > 0
      ? {
        code: "filter_matches_nothing",
        message: `No indexed product has ${
          named(dead)
        } (attribute names are case-sensitive; values are not)`,
      }
      : {
        code: "filters_match_nothing_together",
        message: `No indexed product matches all of ${
          named(request.filters)
        } together`,
      };
  }

  /** Percentiles of recent search latencies. */
  latency(): LatencySummary {
    return this.#latency.summary();
  }

  /**
   * False for an all-zero vector (a query with nothing the tower can encode): such a
   * query matches nothing, so it gets no hits rather than an index error.
   * @throws {TypeError} when the encoder returned non-finite values (a server fault)
   */
  #hasDirection(vector: Float32Array): boolean {
    let sum = 0;
    for (let i = 0; i < vector.length; i++) sum += (vector[i] ?? 0) ** 2;
    if (!Number.isFinite(sum)) {
      throw new TypeError(
        "Cannot search: query vector holds non-finite values",
      );
    }
    if (sum === 0) this.#zeroVectors.inc();
    return sum > 0;
  }

  #rank(request: SearchRequest, encoded: QueryEmbedding): RankedHit[] {
    const { tuning, searcher } = this.#o;
    const { k, filters, ef } = request;
    const lexicalWeight = tuning.lexicalWeight +
      tuning.lexicalUnknownWeight *
        unknownShare(request.query, encoded.keywords);
    const lexical = lexicalWeight > 0 && searcher.searchLexical !== undefined;
    const boost = encoded.keywords.length > 0 && tuning.keywordBoost !== 0;
    const pool = lexical || boost
      ? Math.max(
        k,
        Math.min(
          Math.max(k * tuning.poolFactor, tuning.minPool),
          tuning.maxPool,
        ),
      )
      : k;
    const options = { k: pool, ...(filters.length > 0 ? { filters } : {}) };
    // An all-zero vector (nothing the tower can encode) has no ANN neighbours, but
    // its words may still be in titles.
    const ann = this.#hasDirection(encoded.vector)
      ? searcher.search(encoded.vector, {
        ...options,
        ...(ef === undefined ? {} : { ef }),
      })
      : [];
    const lexicalHits = lexical
      ? searcher.searchLexical?.(request.query, options) ?? []
      : [];
    return fuseChannels(ann, lexicalHits, boost ? encoded.keywords : [], {
      keywordBoost: tuning.keywordBoost,
      lexicalWeight,
      k,
      textOf: this.#textOf,
    });
  }

  async #cachedEncode(
    query: string,
    model: string,
    signal?: AbortSignal,
  ): Promise<QueryEmbedding> {
    const cached = this.#cache.get(model, query);
    this.#cacheLookups.inc({ result: cached ? "hit" : "miss" });
    if (cached) return cached;
    const encoded = await this.#encode(query, signal);
    this.#cache.set(model, query, encoded);
    return encoded;
  }

  async #encode(query: string, signal?: AbortSignal): Promise<QueryEmbedding> {
    const { encoder, tuning, now } = this.#o;
    const deadline = new AbortController();
    const onAbort = () =>
      deadline.abort(
        new HttpError(400, "request_aborted", "Request was aborted"),
      );
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() =>
      deadline.abort(
        new HttpError(503, "encode_timeout", "Query encoding timed out"),
      ), tuning.encodeTimeoutMs);
    const started = now();
    try {
      if (signal?.aborted) onAbort();
      const result = await Promise.race([
        encoder.encode([query], { signal: deadline.signal }),
        rejectOnAbort(deadline.signal),
      ]);
      const first = result[0];
      if (
        result.length !== 1 || !first || !(first.vector instanceof Float32Array)
      ) {
        throw new TypeError(
          `Cannot use query encoding: expected 1 result with a Float32Array vector, got ${result.length}`,
        );
      }
      return first;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      this.#encodeMs.observe(now() - started);
    }
  }
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), {
      once: true,
    });
  });
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function toHitBody(r: RankedHit, searcher: Searcher): HitBody {
  const { record } = r.hit;
  return {
    id: r.hit.id,
    // Cosine can be below 0 (a product opposite the query); shown as 0, order kept.
    score: Math.max(0, r.score),
    title: record.title,
    attrs: record.attrs,
    weights: { title: record.weights.title, image: record.weights.image },
    keywords: r.keywords,
    lexical: r.lexical ?? 0,
    image: imagePath(record, searcher),
  };
}
