/**
 * The HTTP search API (Hono). `createApp` returns an app; the caller serves it with
 * `Deno.serve({ signal }, app.fetch)` and stops it through that signal.
 *
 * Routes:
 * - `GET /search?q=…&k=10&filter=attr:value` (filter repeatable) and
 *   `POST /search {query, k?, filters?: [{attr, value}] | {attr: value}}` →
 *   `{hits: [{id, score, title, attrs, weights: {title, image}, keywords, lexical, image}],
 *   took_ms, index: {version, size, model_version?}, notice?}`, best first; `score` ≥ 0;
 *   a query without letters or digits gets no hits and a `no_words` notice, an empty
 *   filtered search a notice naming the filter that matches nothing.
 * - `GET /` (the search page), `GET /openapi.json` (OpenAPI 3.1 from the same request
 *   schemas the parsers use), `GET /docs` (Swagger UI, its files served from the pinned
 *   npm package).
 * - `GET /products/:id` (the stored record with its `image` path),
 *   `GET /products/:id/image` (the JPEG thumbnail, via `Searcher.thumbnail`; 404
 *   `no_image` without one), `GET /healthz` (always 200), `GET /readyz`
 *   (503 until the searcher is ready), `GET /stats` (caller's stats plus a `search`
 *   latency summary), `GET /metrics` (Prometheus text 0.0.4).
 * - `POST /admin/:action` with `Authorization: Bearer <token>` (401 otherwise), mounted
 *   only when a non-empty token is configured (404 otherwise).
 *
 * Search: the query is encoded once (the encoder's vector is already keyword-enhanced)
 * and cached (LRU of `queryCacheSize`, keyed by model version and query). Two channels
 * each fetch a pool of clamp(k × poolFactor, minPool, maxPool) ≥ k candidates: the ANN
 * pool (query vector) and, when the searcher has `searchLexical`, the lexical pool
 * (BM25 over the normalised tokens of titles and attribute values, which also matches
 * words the towers never saw). Each candidate scores its cosine (a lexical-only one the
 * lowest cosine of the ANN pool), plus `keywordBoost` (0.05) per detected vocabulary
 * keyword found as whole normalised tokens in its title or attribute values, plus
 * (`lexicalWeight` 0.1 + `lexicalUnknownWeight` 1.5 × the share of query tokens that no
 * detected keyword covers) × its BM25 match (score over the query's maximum, 0..1);
 * the best k are returned with `keywords` naming the matches and `lexical` the match.
 * Without keywords and lexical channel the ANN order is kept. An all-zero query vector
 * gets lexical hits only.
 *
 * Limits (defaults, see `AppLimits` in app_options.ts): q ≤ 512 code points after trimming,
 * k an integer in 1..100 (default 10), ef (the ANN search depth, passed to
 * `Searcher.search`) an integer in 10..10000 (default: the index's), ≤ 8 filters with
 * attr and value ≤ 128 code points, JSON bodies ≤ 16 KiB; unknown query parameters and
 * unknown body fields are rejected.
 *
 * Errors: every error body is `{error: {code, message}}`. Client mistakes are 4xx —
 * 400 (bad q, k, ef, filter, parameter, field, JSON or UTF-8), 401 (admin token), 404
 * (unknown route, product or admin action), 405 (wrong method on a known route, with
 * `Allow`), 413 (body over `maxBodyBytes`) — never 5xx. 503 while not ready, when query
 * encoding passes `encodeTimeoutMs`, or when a retryable `PipelineError` escapes; 500
 * for anything else, logged with the request id (`x-request-id`) that the body carries,
 * with no internals in the body.
 *
 * Logs: one debug `http_request` line per request (route pattern, method, status,
 * durationMs, requestId).
 *
 * Metrics: `serve_http_requests_total{route,method,status}`,
 * `serve_http_request_duration_ms{route}`, `serve_search_latency_ms`,
 * `serve_query_encode_ms`, `serve_ann_search_ms`, `serve_query_cache_total{result}`,
 * `serve_zero_query_vectors_total`. Routes are registered patterns, never raw paths.
 *
 * Abort: a client disconnect aborts the query encoding through its signal.
 * @module
 */

export { createApp } from "./app.ts";
export {
  DEFAULT_TUNING,
  type Searcher,
  type SearcherOptions,
} from "./app_options.ts";
export type { AdminAction, AppLimits, SearchTuning } from "./app_options.ts";
export { HttpError } from "./http_error.ts";
export { type LatencySummary, LatencyWindow } from "./latency_window.ts";
