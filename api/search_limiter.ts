/**
 * Load shedding for /search: at most `maxInFlight` searches run at once; one more is
 * answered at once with 503 `overloaded` and `Retry-After`, instead of queueing without
 * bound behind the query encoder. Probes, stats and ingestion are not limited.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { Metrics } from "../metrics.ts";
import { OPTIONS } from "../config.ts";
import { type AppEnv, errorBody } from "./error_response.ts";
import { HttpError } from "./http_error.ts";

/** Options of {@linkcode searchLimiter}. */
export interface SearchLimiterOptions {
  /** Searches running at once before more are shed. @default `SEARCH_MAX_IN_FLIGHT`'s */
  readonly maxInFlight?: number;
  /** What `Retry-After` says, in seconds. @default 1 */
  readonly retryAfterSeconds?: number;
}

/**
 * The middleware; mount it on the search route.
 * @throws {RangeError} when `maxInFlight` is not a positive integer
 */
export function searchLimiter(
  metrics: Metrics,
  options: SearchLimiterOptions = {},
): MiddlewareHandler<AppEnv> {
  const max = options.maxInFlight ?? OPTIONS.http.maxSearchesInFlight.default;
  if (!Number.isInteger(max) || max < 1) {
    throw new RangeError(
      `Cannot limit searches: maxInFlight must be an integer ≥ 1: got ${max}`,
    );
  }
  const retryAfter = String(options.retryAfterSeconds ?? 1);
  const shed = metrics.counter(
    "serve_search_shed_total",
    "Searches answered 503 because the in-flight limit was reached",
  );
  const inFlight = metrics.gauge(
    "serve_search_in_flight",
    "Searches running now",
  );
  let running = 0;
  return async (c, next) => {
    if (running >= max) {
      // Answered here, not thrown: a burst must not cost a log line per shed request.
      shed.inc();
      const err = new HttpError(
        503,
        "overloaded",
        `Too many searches at once (limit ${max}): retry after ${retryAfter} s`,
      );
      c.header("retry-after", retryAfter);
      return c.json(errorBody(err, c.get("requestId")), 503);
    }
    running++;
    inFlight.set(running);
    try {
      await next();
    } finally {
      running--;
      inFlight.set(running);
    }
  };
}
