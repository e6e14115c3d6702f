/**
 * The HTTP search API (Hono). `createApp` returns an app; the caller serves it with
 * `Deno.serve({ signal }, app.fetch)` and stops it through that signal.
 *
 * Input: HTTP requests. Routes:
 * - `GET /search?q=…&k=10&filter=attr:value` (filter repeatable) and
 *   `POST /search {query, k?, filters?: [{attr, value}] | {attr: value}}` →
 *   `{hits: [{id, score, title, attrs, weights: {title, image}, keywords}], took_ms,
 *   index: {version, size, model_version?}}`. The query is encoded once (vector already
 *   keyword-enhanced by the encoder); when it has keywords, a candidate pool of
 *   clamp(k × poolFactor, minPool, maxPool) is fetched and each candidate gains
 *   `keywordBoost` (default 0.05) per detected keyword found in its title or attribute
 *   values; the best k are returned, `keywords` naming the matches. Without keywords the
 *   ANN order is kept. Encoded queries are kept in
 *   an LRU cache (`queryCacheSize`, keyed by model version and query text).
 * - `GET /products/:id`, `GET /healthz` (always 200), `GET /readyz` (503 until the
 *   searcher is ready), `GET /stats` (caller's stats plus a `search` latency summary),
 *   `GET /metrics` (Prometheus text 0.0.4).
 * - `POST /admin/:action` with `Authorization: Bearer <token>`, only when a token is set.
 *
 * Errors: every error body is `{error: {code, message}}`. Client mistakes are 4xx —
 * 400 (bad q, k, filter, unknown parameter or field, invalid JSON), 404 (unknown route
 * or product), 405 (wrong method on a known route), 413 (body over `maxBodyBytes`) —
 * never 5xx. 503 while not ready, when query encoding passes its deadline, or when a
 * retryable `PipelineError` escapes; 500 for anything else, logged with a request id
 * that the body also carries, with no internals in the body.
 *
 * Abort: a client disconnect aborts the query encoding through its signal.
 * @module
 */

export { createApp } from "./app.ts";
export {
  type AdminAction,
  type AdminOptions,
  type AppLimits,
  type AppOptions,
  DEFAULT_LIMITS,
  DEFAULT_TUNING,
  type EncodedQuery,
  type QueryEncoder,
  type Searcher,
  type SearchTuning,
} from "./app_options.ts";
export { type ErrorStatus, HttpError } from "./http_error.ts";
export type { HitBody, SearchBody } from "./search_service.ts";
export type { LatencySummary } from "./latency_window.ts";
export type { AppEnv, ErrorBody } from "./error_response.ts";
export type { SearcherInfo } from "./app_options.ts";
// Types from shared modules that the contracts above mention
export type { AttrFilter, ProductRecord, SearchHit } from "../types.ts";
export type { Logger } from "../log.ts";
export type { Metrics } from "../metrics.ts";
