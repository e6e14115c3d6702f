/**
 * Middleware that gives each request an id (`x-request-id`), counts it by route,
 * method and status, and logs one debug-level `http_request` line (route, method,
 * status, durationMs, requestId). Routes are the registered patterns, never raw paths,
 * so random URLs cannot grow the metric's label set and queries stay out of the log.
 * @module
 */

import type { Context, MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { Metrics } from "../metrics.ts";
import type { Logger } from "../log.ts";
import type { AppEnv } from "./error_response.ts";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]);

/** The middleware; register it first. */
export function requestMetrics(
  metrics: Metrics,
  log: Logger,
): MiddlewareHandler<AppEnv> {
  const requests = metrics.counter(
    "serve_http_requests_total",
    "HTTP requests by route, method and status",
  );
  const duration = metrics.histogram(
    "serve_http_request_duration_ms",
    "HTTP request duration by route, ms",
  );
  const nextId = requestIds();
  return async (c: Context<AppEnv>, next) => {
    const started = performance.now();
    const requestId = nextId();
    c.set("requestId", requestId);
    await next();
    c.header("x-request-id", requestId);
    const last = routePath(c, -1);
    const route = last === "" || last === "/*" || last === "*"
      ? "unmatched"
      : last;
    const method = METHODS.has(c.req.method) ? c.req.method : "OTHER";
    const status = c.res.status;
    const durationMs = performance.now() - started;
    requests.inc({ route, method, status: String(status) });
    duration.observe(durationMs, { route });
    log.debug("http_request", {
      route,
      method,
      status,
      durationMs: Math.round(durationMs * 1000) / 1000,
      requestId,
    });
  };
}

/** Ids unique per process: a random prefix and a counter. */
function requestIds(): () => string {
  const prefix = crypto.randomUUID().slice(0, 8);
  let n = 0;
  return () => `${prefix}-${(++n).toString(36)}`;
}
