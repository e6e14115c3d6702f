/**
 * Builds the Hono app: routes, request ids, per-route metrics, one error mapper.
 * @module
 */

import { type Context, Hono } from "hono";
import { routePath } from "hono/route";
import { PipelineError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { Counter, Metrics } from "../metrics.ts";
import { adminRoutes } from "./admin_routes.ts";
import {
  type AppLimits,
  type AppOptions,
  DEFAULT_LIMITS,
  DEFAULT_TUNING,
  type SearchTuning,
} from "./app_options.ts";
import { HttpError, quote } from "./http_error.ts";
import { readJsonBody } from "./read_json_body.ts";
import { parseSearchBody, parseSearchParams } from "./search_request.ts";
import { notReady, SearchService } from "./search_service.ts";

type Env = { Variables: { requestId: string } };

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]);

/**
 * The search service's HTTP app; the caller serves it (`Deno.serve(app.fetch)`).
 * @throws {RangeError} when a limit or tuning value is out of range
 */
export function createApp(options: AppOptions): Hono<Env> {
  const limits = resolveLimits(options.limits);
  const tuning = resolveTuning(options.tuning);
  const now = options.now ?? (() => performance.now());
  const log = options.log.child({ stage: "serve" });
  const { searcher, metrics } = options;
  const service = new SearchService({
    searcher,
    encoder: options.encoder,
    tuning,
    metrics,
    now,
  });
  const app = new Hono<Env>();
  app.use(requestMetrics(metrics, newRequestId()));

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", (c) => {
    if (!searcher.ready) {
      return c.json({ ready: false, ...errorBody(notReady()) }, 503);
    }
    const { version, size } = searcher.info();
    return c.json({ ready: true, index: { version, size } });
  });
  app.get("/search", async (c) => {
    const request = parseSearchParams(
      new URL(c.req.url).searchParams,
      limits,
    );
    return c.json(await service.search(request, c.req.raw.signal));
  });
  app.post("/search", async (c) => {
    const body = await readJsonBody(c.req.raw, {
      maxBytes: limits.maxBodyBytes,
    });
    const request = parseSearchBody(body, limits);
    return c.json(await service.search(request, c.req.raw.signal));
  });
  app.get("/products/:id", (c) => {
    const id = c.req.param("id");
    if (
      id.length > limits.maxIdChars * 2 || [...id].length > limits.maxIdChars
    ) {
      throw new HttpError(400, "invalid_id", "Product id is too long");
    }
    if (!searcher.ready) throw notReady();
    const record = searcher.get(id);
    if (!record) {
      throw new HttpError(404, "not_found", `No product with id ${quote(id)}`);
    }
    return c.json(record);
  });
  app.get(
    "/stats",
    (c) => c.json({ ...options.stats(), search: service.latency() }),
  );
  app.get("/metrics", (c) =>
    c.body(metrics.render(), 200, {
      "content-type": "text/plain; version=0.0.4; charset=utf-8",
    }));
  if (options.admin && options.admin.token.length > 0) {
    app.route(
      "/admin",
      adminRoutes(options.admin, { maxBodyBytes: limits.maxBodyBytes, log }),
    );
  }
  for (
    const path of [
      "/healthz",
      "/readyz",
      "/search",
      "/products/:id",
      "/stats",
      "/metrics",
    ]
  ) {
    app.all(path, () => {
      throw new HttpError(
        405,
        "method_not_allowed",
        "Method not allowed on this route",
      );
    });
  }
  app.notFound((c) =>
    c.json(errorBody(new HttpError(404, "not_found", "No such route")), 404)
  );
  app.onError((err, c) => errorResponse(err, c, log));
  return app;
}

function errorResponse(err: unknown, c: Context<Env>, log: Logger): Response {
  const requestId = c.get("requestId");
  if (err instanceof HttpError) {
    if (err.status >= 500) {
      log.warn("request_unavailable", { requestId, code: err.code, err });
    }
    return c.json(errorBody(err), err.status);
  }
  if (err instanceof PipelineError && err.retryable) {
    log.warn("request_unavailable", { requestId, err });
    const unavailable = new HttpError(
      503,
      "unavailable",
      "Service is temporarily unavailable",
    );
    return c.json(errorBody(unavailable, requestId), 503);
  }
  log.error("request_failed", {
    requestId,
    method: c.req.method,
    path: c.req.path,
    err,
    stack: err instanceof Error ? err.stack : undefined,
  });
  const internal = new HttpError(500, "internal", "Internal server error");
  return c.json(errorBody(internal, requestId), 500);
}

function errorBody(err: HttpError, requestId?: string) {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(requestId ? { request_id: requestId } : {}),
    },
  };
}

function requestMetrics(metrics: Metrics, nextId: () => string) {
  const requests: Counter = metrics.counter(
    "serve_http_requests_total",
    "HTTP requests by route, method and status",
  );
  const duration = metrics.histogram(
    "serve_http_request_duration_ms",
    "HTTP request duration by route, ms",
  );
  return async (c: Context<Env>, next: () => Promise<void>) => {
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
    requests.inc({ route, method, status: String(c.res.status) });
    duration.observe(performance.now() - started, { route });
  };
}

function newRequestId(): () => string {
  const prefix = crypto.randomUUID().slice(0, 8);
  let n = 0;
  return () => `${prefix}-${(++n).toString(36)}`;
}

function resolveLimits(partial: Partial<AppLimits> = {}): AppLimits {
  const limits = { ...DEFAULT_LIMITS, ...partial };
  for (const [name, value] of Object.entries(limits)) {
    checkPositiveInt(`limits.${name}`, value);
  }
  if (limits.defaultK > limits.maxK) {
    throw new RangeError(
      `Cannot create app: limits.defaultK (${limits.defaultK}) exceeds limits.maxK (${limits.maxK})`,
    );
  }
  return limits;
}

function resolveTuning(partial: Partial<SearchTuning> = {}): SearchTuning {
  const tuning = { ...DEFAULT_TUNING, ...partial };
  if (!Number.isFinite(tuning.keywordBoost) || tuning.keywordBoost < 0) {
    throw new RangeError(
      `Cannot create app: tuning.keywordBoost must be a finite number >= 0, got ${tuning.keywordBoost}`,
    );
  }
  for (
    const name of [
      "poolFactor",
      "minPool",
      "maxPool",
      "encodeTimeoutMs",
      "latencyWindow",
    ] as const
  ) {
    checkPositiveInt(`tuning.${name}`, tuning[name]);
  }
  return tuning;
}

function checkPositiveInt(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot create app: ${name} must be a positive integer, got ${value}`,
    );
  }
}
