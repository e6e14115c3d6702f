/**
 * Builds the Hono app: routes, request ids, per-route metrics, one error mapper.
 * @module
 */

import { Hono } from "hono";
import { adminRoutes } from "./admin_routes.ts";
import type { AppLimits, AppOptions, Searcher } from "./app_options.ts";
import { type AppEnv, errorBody, errorResponse } from "./error_response.ts";
import { HttpError, notReady } from "./http_error.ts";
import { mountProducts } from "./product_routes.ts";
import { mountDocs } from "./docs_routes.ts";
import { openApiDocument } from "./openapi.ts";
import { SEARCH_PAGE } from "./page.ts";
import { readJsonBody } from "./read_json_body.ts";
import { requestMetrics } from "./request_metrics.ts";
import { resolveLimits, resolveTuning } from "./resolve_options.ts";
import { searchLimiter } from "./search_limiter.ts";
import { parseSearchBody, parseSearchParams } from "./search_request.ts";
import { SearchService } from "./search_service.ts";

/** Methods each route answers; anything else on these paths is a 405. */
const ALLOWED: Readonly<Record<string, string>> = {
  "/": "GET, HEAD",
  "/openapi.json": "GET, HEAD",
  "/docs": "GET, HEAD",
  "/healthz": "GET, HEAD",
  "/readyz": "GET, HEAD",
  "/search": "GET, HEAD, POST",
  "/products/:id": "GET, HEAD",
  "/products/:id/image": "GET, HEAD",
  "/stats": "GET, HEAD",
  "/metrics": "GET, HEAD",
};

/**
 * The search service's HTTP app; the caller serves it (`Deno.serve(app.fetch)`).
 * @throws {RangeError} when a limit or tuning value is out of range
 */
export function createApp(options: AppOptions): Hono<AppEnv> {
  const limits = resolveLimits(options.limits);
  const log = options.log.child({ stage: "serve" });
  const service = new SearchService({
    searcher: options.searcher,
    encoder: options.encoder,
    tuning: resolveTuning(options.tuning),
    metrics: options.metrics,
    now: options.now ?? (() => performance.now()),
    ...(options.searchLatency ? { latency: options.searchLatency } : {}),
  });
  const app = new Hono<AppEnv>();
  app.use(requestMetrics(options.metrics, log));
  mountProbes(app, options.searcher, options.degraded);
  app.use(
    "/search",
    searchLimiter(options.metrics, {
      maxInFlight: options.maxSearchesInFlight,
    }),
  );
  mountSearch(app, service, limits);
  mountProducts(app, options.searcher, limits);
  const admin = options.admin !== undefined && options.admin.token.length > 0;
  mountDocs(app, openApiDocument(limits, { admin }));
  app.get("/", (c) => c.html(SEARCH_PAGE));
  app.get(
    "/stats",
    (c) => c.json({ ...options.stats(), search: service.latency() }),
  );
  app.get("/metrics", (c) =>
    c.body(options.metrics.render(), 200, {
      "content-type": "text/plain; version=0.0.4; charset=utf-8",
    }));
  if (options.admin && admin) {
    const admin = adminRoutes(options.admin, {
      maxBodyBytes: limits.maxBodyBytes,
      log,
    });
    app.route("/admin", admin);
  }
  for (const [path, allow] of Object.entries(ALLOWED)) {
    app.all(path, (c) => {
      c.header("allow", allow);
      throw new HttpError(
        405,
        "method_not_allowed",
        `Use ${allow} on this route`,
      );
    });
  }
  app.notFound((c) =>
    c.json(errorBody(new HttpError(404, "not_found", "No such route")), 404)
  );
  app.onError((err, c) => errorResponse(err, c, log));
  return app;
}

function mountProbes(
  app: Hono<AppEnv>,
  searcher: Searcher,
  degraded: () => readonly string[] = () => [],
): void {
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", (c) => {
    if (!searcher.ready) {
      return c.json({ ready: false, ...errorBody(notReady()) }, 503);
    }
    const { version, size } = searcher.info();
    const problems = degraded();
    // Still serving: degraded is reported, not taken out of rotation.
    return c.json({
      ready: true,
      index: { version, size },
      ...(problems.length > 0 ? { degraded: problems } : {}),
    });
  });
}

function mountSearch(
  app: Hono<AppEnv>,
  service: SearchService,
  limits: AppLimits,
): void {
  app.get("/search", async (c) => {
    const request = parseSearchParams(new URL(c.req.url).searchParams, limits);
    return c.json(await service.search(request, c.req.raw.signal));
  });
  app.post("/search", async (c) => {
    const body = await readJsonBody(c.req.raw, {
      maxBytes: limits.maxBodyBytes,
    });
    const request = parseSearchBody(body, limits);
    return c.json(await service.search(request, c.req.raw.signal));
  });
}
