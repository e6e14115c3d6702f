/**
 * The HTTP side of the service: the API app over the live index (search, /stats,
 * gauges, admin actions) with the configured limits and tuning, listening on the
 * configured address, plus the periodic stats log line.
 * @module
 */
import type { HttpConfig } from "../config.ts";
import { listen } from "../listen.ts";
import type { Logger } from "../log.ts";
import type { Metrics } from "../metrics.ts";
import {
  type AdminAction,
  type AppLimits,
  createApp,
  DEFAULT_TUNING,
  HttpError,
  LatencyWindow,
  type Searcher,
  type SearchTuning,
} from "../api/mod.ts";
import { type LiveIndex, startStatsLog, type Swaps } from "../live/mod.ts";
import type { ServiceStats } from "./stats.ts";

/** Request limits and search tuning of the API (defaults: the API's own). */
export interface ApiSettings {
  /** Request limits. @default DEFAULT_LIMITS */
  readonly limits?: Partial<AppLimits>;
  /** Re-ranking, pool sizes, encode deadline, query cache. @default DEFAULT_TUNING */
  readonly tuning?: Partial<SearchTuning>;
}

/** What the HTTP side serves from. */
export interface HttpDeps {
  /** Listen address, admin token, stats line, search concurrency. */
  readonly http: HttpConfig;
  readonly api: ApiSettings;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** The live index searches read (ready with the service). */
  readonly searcher: Searcher;
  /** The live index: query encoder of its model, snapshots on demand. */
  readonly live: LiveIndex;
  /** Compaction and model upgrades on demand. */
  readonly swaps: Swaps;
  /** /stats, the scrape-time gauges, the stats line, degraded reasons. */
  readonly stats: ServiceStats;
}

/** A listening server. */
export interface HttpServer {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Stops accepting and waits for the server to finish; safe to call twice. */
  stop(): Promise<void>;
}

/** Starts the server. */
export function startHttp(deps: HttpDeps): HttpServer {
  const { http, log, stats } = deps;
  stats.registerGauges(deps.metrics);
  const { limits, tuning } = deps.api;
  // Kept here too: the stats log line reads it besides /stats.
  const searchLatency = new LatencyWindow(
    tuning?.latencyWindow ?? DEFAULT_TUNING.latencyWindow,
  );
  const app = createApp({
    searchLatency,
    searcher: deps.searcher,
    encoder: deps.live.generations.queryEncoder(),
    stats: () => stats.collect(),
    metrics: deps.metrics,
    log: log.child({ stage: "serve" }),
    ...(limits ? { limits } : {}),
    ...(tuning ? { tuning } : {}),
    maxSearchesInFlight: http.maxSearchesInFlight,
    degraded: () => stats.degraded(),
    ...(http.adminToken
      ? { admin: { token: http.adminToken, actions: adminActions(deps) } }
      : {}),
  });
  const server = listen(app.fetch, { hostname: http.host, port: http.port });
  const statsLog = startStatsLog({
    intervalMs: http.statsLogMs,
    log,
    figures: () => stats.figures(),
    latency: () => searchLatency.summary(),
  });
  return {
    url: server.url,
    stop: async () => {
      statsLog.stop();
      await server.stop();
    },
  };
}

/** POST /admin/snapshot, /admin/compact and /admin/reindex. */
function adminActions(
  { live, swaps }: HttpDeps,
): Record<string, AdminAction> {
  return {
    snapshot: async () => {
      await live.checkpointer.checkpoint();
      return { pendingEvents: live.checkpointer.pending };
    },
    compact: () => swaps.compact("admin"),
    reindex: (body: unknown) => {
      const modelDir = (body as { modelDir?: unknown } | null)?.modelDir;
      if (typeof modelDir !== "string" || modelDir.length === 0) {
        throw new HttpError(
          400,
          "invalid_model_dir",
          'Body must be {"modelDir": "<bundle folder>"}',
        );
      }
      const force = (body as { force?: unknown }).force === true;
      return Promise.resolve(swaps.startReindex(modelDir, { force }));
    },
  };
}
