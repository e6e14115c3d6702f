/**
 * The service's figures, read from the typed handles of its parts (pipeline metrics,
 * live index, consumer, swaps, log watch): the GET /stats body, the gauges refreshed
 * before each /metrics scrape, the periodic stats log line and /readyz's degraded
 * reasons. No metric is looked up by name here.
 * @module
 */
import type { IndexKind } from "../index/mod.ts";
import type { PartitionLag, SourceStatus } from "../ingest/mod.ts";
import type { Metrics } from "../metrics.ts";
import type { CheckpointFailure, PipelineMetrics } from "../pipeline/mod.ts";
import {
  appliedLag,
  type LiveIndex,
  type LogStats,
  type ReindexState,
  type Swaps,
} from "../live/mod.ts";

/** The parts the figures come from. */
export interface StatsSources {
  /** The topic whose lag is reported. */
  readonly topic: string;
  readonly live: LiveIndex;
  readonly consumer: { status(): SourceStatus };
  readonly pipeline: PipelineMetrics;
  readonly swaps: Swaps;
  readonly logWatch: { stats(): LogStats };
  /** Whether the service answers searches (what /readyz says). */
  readonly ready: () => boolean;
}

/** The body of GET /stats (the app adds `search` latency). */
export type StatsBody = {
  readonly ready: boolean;
  readonly indexed: number;
  readonly consumed: number;
  readonly events: Record<string, number>;
  readonly dlq: {
    readonly total: number;
    readonly byReason: Record<string, number>;
  };
  readonly skipped: Record<string, number>;
  readonly consumer: {
    readonly state: SourceStatus["state"];
    /** Messages in the log not yet in the index. */
    readonly lag: number;
    /** Messages in the log not yet handed to the pipeline. */
    readonly deliveredLag: number;
    readonly buffered: number;
    readonly rebalances: number;
    readonly lastError: string | null;
    readonly partitions: readonly PartitionLag[];
  };
  readonly lastEventAgeMs: number | null;
  readonly encoder: { readonly device: string; readonly reason: string };
  readonly index: {
    readonly version: string;
    readonly kind: IndexKind;
    readonly size: number;
    readonly staleRatio: number;
  } | null;
  readonly snapshot: {
    readonly ageMs: number;
    readonly pendingEvents: number;
    readonly failing: CheckpointFailure | null;
  };
  readonly model: { readonly version: string; readonly dir: string };
  readonly swaps: {
    readonly total: Record<string, number>;
    readonly reindex: ReindexState;
  };
  readonly log: LogStats;
};

/** Figures of the running service. */
export class ServiceStats {
  readonly #s: StatsSources;

  /** Figures read from `sources` at each call. */
  constructor(sources: StatsSources) {
    this.#s = sources;
  }

  /** Messages in the log not yet in the index, all owned partitions. */
  lag(): number {
    const { consumer, live, topic } = this.#s;
    return appliedLag(consumer.status(), live.offsets(), topic).total;
  }

  /** The GET /stats body. */
  collect(): StatsBody {
    const { live, consumer, pipeline, swaps } = this.#s;
    const status = consumer.status();
    const index = live.holder.current?.stats();
    const totals = pipeline.totals();
    const { active } = live.generations;
    const { checkpointer } = live;
    return {
      ready: this.#s.ready(),
      indexed: index?.size ?? 0,
      consumed: totals.consumed,
      events: totals.events,
      dlq: { total: sum(totals.dlq), byReason: totals.dlq },
      skipped: totals.imageSkipped,
      consumer: {
        state: status.state,
        lag: this.lag(),
        deliveredLag: status.totalLag,
        buffered: status.buffered,
        rebalances: status.rebalances,
        lastError: status.lastError,
        partitions: status.partitions,
      },
      lastEventAgeMs: totals.lastEventTimeMs === null
        ? null
        : Date.now() - totals.lastEventTimeMs,
      encoder: {
        device: active.encoders.device,
        reason: active.encoders.deviceReason,
      },
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
      model: { version: live.generations.modelVersion, dir: active.bundle.dir },
      swaps: { total: swaps.counts(), reindex: swaps.reindexState },
      log: this.#s.logWatch.stats(),
    };
  }

  /** What the periodic stats log line shows. */
  figures(): {
    indexed: number;
    consumed: number;
    lag: number;
    lastEventAgeMs: number | null;
  } {
    const { indexed, consumed, consumer, lastEventAgeMs } = this.collect();
    return { indexed, consumed, lag: consumer.lag, lastEventAgeMs };
  }

  /** Why the service is degraded while it serves: snapshots (and so commits) failing. */
  degraded(): string[] {
    const failing = this.#s.live.checkpointer.failing;
    if (failing === null) return [];
    return [
      `Snapshots are failing (${failing.attempts} attempts since ${
        new Date(failing.sinceMs).toISOString()
      }): ${failing.error}; nothing is committed until one succeeds`,
    ];
  }

  /** Adds the index, consumer and snapshot gauges to `metrics`, refreshed per scrape. */
  registerGauges(metrics: Metrics): void {
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
      const { live, consumer } = this.#s;
      const stats = live.holder.current?.stats();
      size.set(stats?.size ?? 0);
      stale.set(stats?.staleRatio ?? 0);
      lag.set(this.lag());
      buffered.set(consumer.status().buffered);
      snapshotAge.set(live.checkpointer.ageMs / 1000);
      pending.set(live.checkpointer.pending);
    });
  }
}

function sum(values: Record<string, number>): number {
  return Object.values(values).reduce((a, b) => a + b, 0);
}
