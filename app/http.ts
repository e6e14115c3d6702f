/**
 * The HTTP side of the service: adapts the live index to the serve stage's `Searcher`,
 * assembles /stats and the scrape-time gauges, wires the admin actions, and listens.
 * @module
 */
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import type { Metrics } from "../metrics.ts";
import type { KafkaSource, SourceStatus } from "../ingest/mod.ts";
import type { IndexHolder } from "../index/mod.ts";
import type { Checkpointer } from "../pipeline/mod.ts";
import {
  createApp,
  DEFAULT_TUNING,
  HttpError,
  LatencyWindow,
  type Searcher,
} from "../api/mod.ts";
import {
  appliedLag,
  type Generations,
  type Readiness,
  serviceThumbnails,
  startStatsLog,
  type Swaps,
} from "../live/mod.ts";
import type { PartitionOffsets } from "../pipeline/mod.ts";

/** What the HTTP side reads from the rest of the service. */
export interface HttpDeps {
  readonly config: Config;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly holder: IndexHolder;
  readonly generations: Generations;
  /** The Kafka source, null until the consumer is started. */
  source(): KafkaSource | null;
  readonly checkpointer: Checkpointer;
  /** Next offset per partition that the index holds (what is applied, not just delivered). */
  applied(): PartitionOffsets;
  readonly swaps: Swaps;
  /** Ready once loaded from a snapshot or caught up with the log. */
  readonly readiness: Readiness;
  /** The Kafka log the index belongs to and its rebuilds, for /stats. */
  logStats(): Record<string, unknown>;
}

/** Starts the server; `stop()` stops accepting and waits for it to finish. */
export async function startHttp(
  deps: HttpDeps,
): Promise<{ url: string; stop(): Promise<void> }> {
  const { config, log, metrics } = deps;
  const searcher = createSearcher(deps);
  registerGauges(deps);
  const searchLatency = new LatencyWindow(DEFAULT_TUNING.latencyWindow);
  const app = createApp({
    searchLatency,
    searcher,
    encoder: deps.generations.queryEncoder(),
    stats: () => collectStats(deps, searcher),
    metrics,
    log: log.child({ stage: "serve" }),
    maxSearchesInFlight: config.http.maxSearchesInFlight,
    degraded: () => degradedReasons(deps),
    ...(config.http.adminToken
      ? {
        admin: { token: config.http.adminToken, actions: adminActions(deps) },
      }
      : {}),
  });
  const abort = new AbortController();
  const listening = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: config.http.host,
    port: config.http.port,
    signal: abort.signal,
    onListen: (addr) => listening.resolve(addr),
  }, app.fetch);
  const addr = await listening.promise;
  const statsLog = startStatsLog({
    intervalMs: config.http.statsLogMs,
    log,
    figures: () => {
      const s = collectStats(deps, searcher);
      const consumer = s.consumer as { lag: number };
      return {
        indexed: s.indexed as number,
        consumed: s.consumed as number,
        lag: consumer.lag,
        lastEventAgeMs: s.lastEventAgeMs as number | null,
      };
    },
    latency: () => searchLatency.summary(),
  });
  const host = addr.hostname.includes(":")
    ? `[${addr.hostname}]`
    : addr.hostname;
  return {
    url: `http://${host}:${addr.port}`,
    stop: async () => {
      statsLog.stop();
      abort.abort();
      await server.finished;
    },
  };
}

/**
 * Ready once an index is live and either it came from a snapshot or the consumer has
 * caught up with the log once, so a rebuild from the topic does not serve half an index.
 */
function createSearcher(deps: HttpDeps): Searcher {
  const { holder } = deps;
  return deps.generations.searcher(
    () => holder.ready && deps.readiness.ready,
    serviceThumbnails(deps.config),
  );
}

const NO_SOURCE: SourceStatus = {
  state: "connecting",
  lastContactMs: 0,
  lastError: null,
  buffered: 0,
  partitions: [],
  totalLag: 0,
  rebalances: 0,
};

function byLabel(
  metrics: Metrics,
  name: string,
  label: string,
): Record<string, number> {
  return Object.fromEntries(
    metrics.series(name).map(([labels, v]) => [labels[label] ?? "", v]),
  );
}

function sum(values: Record<string, number>): number {
  return Object.values(values).reduce((a, b) => a + b, 0);
}

function collectStats(
  deps: HttpDeps,
  searcher: Searcher,
): Record<string, unknown> {
  const { metrics, holder, checkpointer, generations, swaps } = deps;
  const encoders = generations.active.encoders;
  const status = deps.source()?.status() ?? NO_SOURCE;
  const index = holder.current?.stats();
  const dlq = byLabel(metrics, "ingest_dlq_total", "reason");
  const lastEvent = metrics.gauge("ingest_last_event_timestamp_ms", "").get();
  return {
    ready: searcher.ready,
    indexed: index?.size ?? 0,
    consumed: metrics.counter("ingest_consumed_total", "").get(),
    events: byLabel(metrics, "ingest_events_total", "result"),
    dlq: { total: sum(dlq), byReason: dlq },
    skipped: byLabel(metrics, "ingest_image_skipped_total", "reason"),
    consumer: {
      state: status.state,
      lag: appliedLag(status, deps.applied(), deps.config.kafka.topic).total,
      deliveredLag: status.totalLag,
      buffered: status.buffered,
      rebalances: status.rebalances,
      lastError: status.lastError,
      partitions: status.partitions,
    },
    lastEventAgeMs: lastEvent > 0 ? Date.now() - lastEvent : null,
    encoder: { device: encoders.device, reason: encoders.deviceReason },
    index: index
      ? {
        version: index.modelVersion,
        kind: index.kind,
        size: index.size,
        staleRatio: index.staleRatio,
      }
      : null,
    snapshot: {
      ageMs: checkpointer.ageMs,
      pendingEvents: checkpointer.pending,
      failing: checkpointer.failing,
    },
    model: {
      version: generations.modelVersion,
      dir: generations.active.bundle.dir,
    },
    swaps: {
      total: byLabel(metrics, "index_swaps_total", "reason"),
      reindex: swaps.reindexState,
    },
    log: deps.logStats(),
  };
}

/** Why the service is degraded while it serves: snapshots (and so commits) failing. */
function degradedReasons(deps: HttpDeps): string[] {
  const failing = deps.checkpointer.failing;
  if (failing === null) return [];
  return [
    `Snapshots are failing (${failing.attempts} attempts since ${
      new Date(failing.sinceMs).toISOString()
    }): ${failing.error}; nothing is committed until one succeeds`,
  ];
}

function registerGauges(deps: HttpDeps): void {
  const { metrics, holder, checkpointer } = deps;
  const size = metrics.gauge("index_size", "Products in the live index");
  const stale = metrics.gauge(
    "index_stale_ratio",
    "Share of index slots held by replaced or deleted vectors",
  );
  const lag = metrics.gauge(
    "consumer_lag",
    "Messages in the log not yet in the index, all partitions",
  );
  const buffered = metrics.gauge(
    "source_buffered",
    "Messages buffered between Kafka and the pipeline",
  );
  const snapshotAge = metrics.gauge(
    "snapshot_age_seconds",
    "Age of the last durable snapshot",
  );
  const pending = metrics.gauge(
    "snapshot_pending_events",
    "Events applied but not yet in a durable snapshot",
  );
  metrics.onCollect(() => {
    const stats = holder.current?.stats();
    size.set(stats?.size ?? 0);
    stale.set(stats?.staleRatio ?? 0);
    const status = deps.source()?.status() ?? NO_SOURCE;
    lag.set(appliedLag(status, deps.applied(), deps.config.kafka.topic).total);
    buffered.set(status.buffered);
    snapshotAge.set(checkpointer.ageMs / 1000);
    pending.set(checkpointer.pending);
  });
}

function adminActions(deps: HttpDeps) {
  return {
    snapshot: async () => {
      await deps.checkpointer.checkpoint();
      return { pendingEvents: deps.checkpointer.pending };
    },
    compact: () => deps.swaps.compact("admin"),
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
      return Promise.resolve(deps.swaps.startReindex(modelDir, { force }));
    },
  };
}
