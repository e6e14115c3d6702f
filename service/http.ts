/**
 * The HTTP side of the service: adapts the live index to the serve stage's `Searcher`,
 * assembles /stats and the scrape-time gauges, wires the admin actions, and listens.
 * @module
 */
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import type { Metrics } from "../metrics.ts";
import type { Encoders } from "../encode/mod.ts";
import type { KafkaSource } from "../ingest/mod.ts";
import { compact, type IndexHolder } from "../index/mod.ts";
import type { Checkpointer } from "../pipeline/mod.ts";
import { createApp, type Searcher } from "../serve/mod.ts";

/** What the HTTP side reads from the rest of the service. */
export interface HttpDeps {
  readonly config: Config;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly holder: IndexHolder;
  readonly encoders: Encoders;
  readonly source: KafkaSource;
  readonly checkpointer: Checkpointer;
  /** Whether the index came from a snapshot (then it is ready at once). */
  readonly fromSnapshot: boolean;
}

/** Starts the server; `stop()` stops accepting and waits for it to finish. */
export async function startHttp(
  deps: HttpDeps,
): Promise<{ url: string; stop(): Promise<void> }> {
  const { config, log, metrics } = deps;
  const searcher = createSearcher(deps);
  registerGauges(deps);
  const app = createApp({
    searcher,
    encoder: deps.encoders.query,
    stats: () => collectStats(deps, searcher),
    metrics,
    log: log.child({ stage: "serve" }),
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
  const host = addr.hostname.includes(":")
    ? `[${addr.hostname}]`
    : addr.hostname;
  return {
    url: `http://${host}:${addr.port}`,
    stop: async () => {
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
  const { holder, source } = deps;
  let caughtUp = deps.fromSnapshot;
  return {
    get ready() {
      if (!holder.ready) return false;
      if (!caughtUp) {
        const status = source.status();
        caughtUp = status.state === "connected" &&
          status.partitions.length > 0 &&
          status.partitions.every((p) => p.lag === 0);
      }
      return caughtUp;
    },
    info: () => ({
      ...holder.info(),
      modelVersion: deps.encoders.query.modelVersion,
    }),
    search: (vector, options) => holder.search(vector, options),
    get: (id) => holder.get(id),
  };
}

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
  const { metrics, holder, source, checkpointer, encoders } = deps;
  const status = source.status();
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
      lag: status.totalLag,
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
    },
  };
}

function registerGauges(deps: HttpDeps): void {
  const { metrics, holder, source, checkpointer } = deps;
  const size = metrics.gauge("index_size", "Products in the live index");
  const stale = metrics.gauge(
    "index_stale_ratio",
    "Share of index slots held by replaced or deleted vectors",
  );
  const lag = metrics.gauge(
    "consumer_lag",
    "Messages behind the log end, all partitions",
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
    const status = source.status();
    lag.set(status.totalLag);
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
    compact: async () => {
      const next = await compact(deps.holder, {
        log: deps.log.child({ stage: "index" }),
      });
      return { size: next.size };
    },
  };
}
