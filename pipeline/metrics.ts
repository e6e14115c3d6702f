/**
 * The pipeline's metrics as one typed handle: created once on the service's registry,
 * written by {@linkcode runPipeline} and read by /stats through its fields, so no other
 * module spells a metric name.
 * @module
 */
import type { Counter, Gauge, Histogram, Metrics } from "../metrics.ts";

/** What /stats shows of the pipeline. */
export interface PipelineTotals {
  /** Messages read from the source. */
  readonly consumed: number;
  /** Events applied, by result (upserted, deleted, deleted_absent, stale). */
  readonly events: Record<string, number>;
  /** Messages dead-lettered, by reason. */
  readonly dlq: Record<string, number>;
  /** Products indexed from the title alone, by the image's problem. */
  readonly imageSkipped: Record<string, number>;
  /** Log time of the newest applied event, ms since epoch; null before the first. */
  readonly lastEventTimeMs: number | null;
}

/** The pipeline's series on one registry. */
export class PipelineMetrics {
  /** Messages read from the source. */
  readonly consumed: Counter;
  /** Events applied, by `result`. */
  readonly events: Counter;
  /** Messages sent to the dead-letter topic, by `reason`. */
  readonly dlq: Counter;
  /** Title-only products because the image was unusable, by `reason`. */
  readonly imageSkipped: Counter;
  /** Event log time to searchable, ms. */
  readonly freshness: Histogram;
  /** Log time of the newest applied event, ms since epoch (0 before the first). */
  readonly lastEventTime: Gauge;
  /** Messages per applied batch. */
  readonly batchSize: Histogram;
  /** Time to encode and apply one batch, ms. */
  readonly batchMs: Histogram;
  /** Time to encode one batch, ms. */
  readonly encodeMs: Histogram;

  /** Registers (or finds) the pipeline's series in `registry`. */
  constructor(registry: Metrics) {
    this.consumed = registry.counter(
      "ingest_consumed_total",
      "Messages read from the source",
    );
    this.events = registry.counter(
      "ingest_events_total",
      "Events applied, by result",
    );
    this.dlq = registry.counter(
      "ingest_dlq_total",
      "Messages sent to the dead-letter topic, by reason",
    );
    this.imageSkipped = registry.counter(
      "ingest_image_skipped_total",
      "Products indexed from the title alone because the image was unusable, by reason",
    );
    this.freshness = registry.histogram(
      "ingest_freshness_ms",
      "Time from the event's log timestamp to the product being searchable",
    );
    this.lastEventTime = registry.gauge(
      "ingest_last_event_timestamp_ms",
      "Log time of the newest applied event",
    );
    this.batchSize = registry.histogram(
      "ingest_batch_size",
      "Messages per applied batch",
      [1, 2, 4, 8, 16, 32, 64, 128, 256],
    );
    this.batchMs = registry.histogram(
      "ingest_batch_ms",
      "Time to encode and apply one batch",
    );
    this.encodeMs = registry.histogram(
      "encode_batch_ms",
      "Time to encode one batch of products",
    );
  }

  /** The figures /stats shows. */
  totals(): PipelineTotals {
    const last = this.lastEventTime.get();
    return {
      consumed: this.consumed.get(),
      events: this.events.byLabel("result"),
      dlq: this.dlq.byLabel("reason"),
      imageSkipped: this.imageSkipped.byLabel("reason"),
      lastEventTimeMs: last > 0 ? last : null,
    };
  }
}
