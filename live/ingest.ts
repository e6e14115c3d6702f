/**
 * Live ingestion as one part with a two-step life: created first (so the parts that
 * commit to, rewind or report on the consumer can hold it), started last. `start()`
 * aligns the consumer group to what the live index covers, creates the Kafka source
 * behind the index's pause gate and the dead-letter sink, and runs the pipeline into
 * the live index with the live model, plus the checkpoint, auto-compaction and
 * thumbnail-sweep timers.
 * @module
 */
import type { CompactionConfig, ImageConfig, KafkaConfig } from "../config.ts";
import { createImageWorkers, type ImageWorkers } from "../encode/mod.ts";
import {
  createKafkaDeadLetterSink,
  createKafkaSource,
  type DeadLetterSink,
  type KafkaSource,
  type SourceStatus,
} from "../ingest/mod.ts";
import type { Logger } from "../log.ts";
import {
  type PipelineMetrics,
  type PipelineOptions,
  type PipelineSummary,
  runPipeline,
  stoppable,
  systemClock,
} from "../pipeline/mod.ts";
import type { MessagePosition } from "../types.ts";
import { EventInput } from "./event_input.ts";
import { alignGroupOffsets } from "./group_offsets.ts";
import type { LiveIndex } from "./live_index.ts";
import type { Swaps } from "./swaps.ts";
import type { ThumbnailStore } from "./thumbnails.ts";

/** What live ingestion reads and how it batches. */
export interface IngestSettings {
  /** Bootstrap brokers. */
  readonly brokers: readonly string[];
  /** Topics, group and consumer tuning. */
  readonly kafka: KafkaConfig;
  /** Image limits, concurrency and decode workers. */
  readonly images: ImageConfig;
  /** Batching and image concurrency of the pipeline. */
  readonly pipeline: PipelineOptions;
  /** When the live index is compacted by itself. */
  readonly compaction: CompactionConfig;
}

/** The parts ingestion writes to, given when it starts. */
export interface IngestTargets {
  /** The live index the pipeline applies to. */
  readonly live: LiveIndex;
  /** Runs automatic compaction. */
  readonly swaps: Swaps;
  /** Partitions of the topic (to place a product id on its partition). */
  readonly partitions: number;
  /** Called on every group join (the log is checked again). */
  readonly onAssigned: () => void;
  /** Called when Kafka moved a partition past events it deleted before they were read. */
  readonly onOffsetReset: (partition: number) => void;
}

/** The consumer's status before it is started. */
const NOT_STARTED: SourceStatus = {
  state: "connecting",
  lastContactMs: 0,
  lastError: null,
  buffered: 0,
  partitions: [],
  totalLag: 0,
  rebalances: 0,
};

interface Running {
  readonly source: KafkaSource;
  readonly done: Promise<PipelineSummary>;
  readonly stop: () => Promise<PipelineSummary | null>;
}

/** See the module doc. Disposing it stops it and closes its Kafka clients. */
export class LiveIngest implements AsyncDisposable {
  readonly #settings: IngestSettings;
  readonly #log: Logger;
  readonly #metrics: PipelineMetrics;
  readonly #thumbs: ThumbnailStore;
  readonly #owned = new AsyncDisposableStack();
  #running: Running | null = null;

  /** Creates it stopped: nothing connects until {@linkcode LiveIngest.start}. */
  constructor(
    settings: IngestSettings,
    parts: { log: Logger; metrics: PipelineMetrics; thumbs: ThumbnailStore },
  ) {
    this.#settings = settings;
    this.#log = parts.log;
    this.#metrics = parts.metrics;
    this.#thumbs = parts.thumbs;
  }

  /** Connection state, lag and buffer of the consumer ("connecting" until started). */
  status(): SourceStatus {
    return this.#running?.source.status() ?? NOT_STARTED;
  }

  /**
   * Commits positions to the consumer group.
   * @throws {Error} before it is started (nothing was consumed to commit)
   */
  commit(positions: MessagePosition[]): Promise<void> {
    if (this.#running === null) {
      return Promise.reject(new Error("Cannot commit: ingestion not started"));
    }
    return this.#running.source.commit(positions);
  }

  /** Reads owned partitions again from `offsets` (a rebuild); nothing to do before start. */
  rewind(offsets: Readonly<Record<number, string>>): void {
    this.#running?.source.rewind(offsets);
  }

  /** Settles when the pipeline ends: after `stop()`, or with the error that stopped it. */
  get done(): Promise<PipelineSummary> {
    if (this.#running === null) throw new Error("Ingestion not started");
    return this.#running.done;
  }

  /**
   * Connects and starts consuming into `targets.live`; on failure what was created is
   * closed again.
   * @throws {SourceError} when the cluster cannot be reached
   */
  async start(targets: IngestTargets): Promise<void> {
    if (this.#running !== null) throw new Error("Ingestion already started");
    const { brokers, kafka } = this.#settings;
    const log = this.#log.child({ stage: "source" });
    await alignGroupOffsets(brokers, {
      groupId: kafka.groupId,
      topic: kafka.topic,
      offsets: targets.live.offsets(),
      log,
    });
    await using stack = new AsyncDisposableStack();
    const source = stack.use(
      await createKafkaSource({
        brokers,
        topic: kafka.topic,
        groupId: kafka.groupId,
        clientId: kafka.clientId,
        log,
        maxBufferedMessages: kafka.maxBufferedMessages,
        sessionTimeoutMs: kafka.sessionTimeoutMs,
        heartbeatIntervalMs: kafka.heartbeatIntervalMs,
        fromBeginning: true,
        onAssign: ({ assigned }) => this.#onAssign(targets, assigned),
        onOffsetReset: (partition) => targets.onOffsetReset(partition),
      }),
    );
    const dlq = stack.use(
      await createKafkaDeadLetterSink({
        brokers,
        topic: kafka.dlqTopic,
        log,
        createTopic: true,
      }),
    );
    const input = new EventInput(this.#settings.images, {
      thumbs: this.#thumbs,
      log: this.#log,
      workers: this.#imageWorkers(targets.live, stack),
    });
    this.#owned.use(stack.move());
    this.#running = this.#run(targets, source, dlq, input);
  }

  #run(
    targets: IngestTargets,
    source: KafkaSource,
    dlq: DeadLetterSink,
    input: EventInput,
  ): Running {
    const { live, swaps } = targets;
    const { generations } = live;
    const stopSource = new AbortController();
    const done = runPipeline({
      source: stoppable(live.gate.wrap(source), stopSource.signal),
      parse: (m) => input.parse(m),
      loadImage: (ref) =>
        input.loadImage(ref, generations.active.bundle.manifest.image),
      // The gate guarantees no batch is in flight when the generation changes.
      encode: (batch) =>
        generations.active.encoders.product.encode([...batch], {}),
      index: () => {
        const index = live.holder.current;
        if (index === null) {
          throw new Error("Cannot apply event: no live index");
        }
        return index;
      },
      deadLetter: (m, reason, detail) => dlq.send(m, reason, detail),
      checkpoint: (positions, n) => live.applied(positions, n),
      log: this.#log.child({ stage: "pipeline" }),
      metrics: this.#metrics,
      clock: systemClock,
    }, { ...this.#settings.pipeline, tombstones: live.tombstones });
    done.catch((err) => this.#log.error("pipeline_failed", { error: err }));
    const timers = new AbortController();
    const { compaction } = this.#settings;
    const background = [
      live.checkpointer.runTimer(timers.signal),
      swaps.runAutoCompact({
        staleRatio: compaction.stalePercent / 100,
        checkMs: compaction.checkMs,
        minStaleRows: compaction.minStaleRows,
      }, timers.signal),
      this.#thumbs.runSweeper({
        referenced: () => live.thumbnails(),
        log: this.#log,
      }, timers.signal),
    ];
    let stopping: Promise<PipelineSummary | null> | undefined;
    const stop = () =>
      stopping ??= (async () => {
        stopSource.abort();
        const summary = await done.catch(() => null);
        timers.abort();
        await Promise.all(background);
        return summary;
      })();
    return { source, done, stop };
  }

  /** Stops the source, drains the pipeline and the timers; resolves with the totals. */
  async stop(): Promise<PipelineSummary | null> {
    return await this.#running?.stop() ?? null;
  }

  /** Stops, then closes the source, the dead-letter sink and the image workers. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
    await this.#owned.disposeAsync();
  }

  /**
   * A group join: every assigned partition starts where the live index covers it (the
   * log start for one it never held); partitions it covered but no longer owns are
   * dropped.
   */
  #onAssign(
    { live, partitions, onAssigned }: IngestTargets,
    assigned: readonly number[],
  ): Record<number, string> {
    const gone = live.covered.assign(assigned);
    onAssigned();
    if (gone.length > 0) {
      live.dropPartitions(gone, partitions).catch((err: unknown) =>
        this.#log.error("partition_drop_failed", {
          partitions: gone,
          error: err,
        })
      );
    }
    return Object.fromEntries(
      assigned.map((p) => [p, live.covered.startOf(p)]),
    );
  }

  /**
   * The image Worker pool, when configured and safe: with onnxruntime-web (wasm,
   * WebGPU) sessions in the process, Deno Workers were seen to stop answering, so
   * images are decoded on the main thread then (the pool's measured gain is with the
   * native encoder).
   */
  #imageWorkers(
    live: LiveIndex,
    stack: AsyncDisposableStack,
  ): ImageWorkers | null {
    const { workers } = this.#settings.images;
    if (workers === 0) return null;
    const device = live.generations.active.encoders.device;
    if (device !== "native") {
      this.#log.warn("image_workers_off", {
        device,
        why:
          "image Workers hang next to onnxruntime-web sessions; decoding on the main thread",
      });
      return null;
    }
    return stack.use(createImageWorkers({ workers }));
  }
}
