/**
 * The ingest side of the service: the consumer group aligned to the loaded snapshot, the
 * Kafka source behind the swap gate, the dead-letter sink, the pipeline writing to the
 * live index with the live model, the checkpoint timer and automatic compaction.
 * @module
 */
import type { Config } from "../config.ts";
import {
  createImageWorkers,
  type ImageWorkers,
  loadImage,
} from "../encode/mod.ts";
import type { IndexHolder, VectorIndex } from "../index/mod.ts";
import {
  createKafkaDeadLetterSink,
  createKafkaSource,
  type DeadLetterSink,
  type KafkaSource,
  parseEvent,
} from "../ingest/mod.ts";
import type { Logger } from "../log.ts";
import type { Metrics } from "../metrics.ts";
import {
  type Checkpointer,
  type PartitionOffsets,
  type PipelineSummary,
  runPipeline,
  stoppable,
  systemClock,
  type TombstoneCache,
} from "../pipeline/mod.ts";
import type { Generations } from "./generations.ts";
import { alignGroupOffsets } from "./group_offsets.ts";
import { type IngestGate, pollUntil } from "./ingest_gate.ts";
import { type CoveredOffsets, partitionOf } from "./partitions.ts";
import { imageOptions } from "./reindex.ts";
import type { Swaps } from "./swaps.ts";
import { serviceThumbnails } from "./thumbnails.ts";

/** What {@linkcode startIngest} wires together. */
export interface IngestDeps {
  readonly config: Config;
  readonly brokers: readonly string[];
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly holder: IndexHolder;
  readonly generations: Generations;
  readonly gate: IngestGate;
  readonly checkpointer: Checkpointer;
  readonly swaps: Swaps;
  /** Offsets the loaded snapshot covers. */
  readonly offsets: PartitionOffsets;
  /** Versions of recent deletes, shared with the snapshot writer. */
  readonly tombstones: TombstoneCache;
  /** What this process owns and covers, per partition. */
  readonly covered: CoveredOffsets;
  /** Partitions of the topic. */
  readonly partitions: number;
  /** Called on every group join (the log is checked again). */
  readonly onAssigned?: () => void;
  /** Called when Kafka moved a partition past events it deleted before they were read. */
  readonly onOffsetReset?: (partition: number) => void;
}

/** Running ingestion. */
export interface Ingest extends AsyncDisposable {
  readonly source: KafkaSource;
  readonly done: Promise<PipelineSummary>;
  /** Stops the source, drains the pipeline and the timers; resolves with the totals. */
  stop(): Promise<PipelineSummary | null>;
}

/** Starts consuming; on failure, what was started is disposed again. */
export async function startIngest(deps: IngestDeps): Promise<Ingest> {
  const { config, brokers, log } = deps;
  const { topic, groupId } = config.kafka;
  const sourceLog = log.child({ stage: "source" });
  await alignGroupOffsets(brokers, {
    groupId,
    topic,
    offsets: deps.offsets,
    log: sourceLog,
  });
  await using stack = new AsyncDisposableStack();
  const source = stack.use(
    await createKafkaSource({
      brokers,
      topic,
      groupId,
      clientId: config.kafka.clientId,
      log: sourceLog,
      maxBufferedMessages: config.kafka.maxBufferedMessages,
      sessionTimeoutMs: config.kafka.sessionTimeoutMs,
      heartbeatIntervalMs: config.kafka.heartbeatIntervalMs,
      fromBeginning: true,
      onAssign: ({ assigned }) => onAssign(deps, assigned),
      onOffsetReset: (partition) => deps.onOffsetReset?.(partition),
    }),
  );
  const dlq = stack.use(
    await createKafkaDeadLetterSink({
      brokers,
      topic: config.kafka.dlqTopic,
      log: sourceLog,
      createTopic: true,
    }),
  );
  const workers = imageWorkers(deps, stack);
  const owned = stack.move();
  return run(deps, source, dlq, owned, workers);
}

function run(
  deps: IngestDeps,
  source: KafkaSource,
  dlq: DeadLetterSink,
  owned: AsyncDisposableStack,
  workers: ImageWorkers | null,
): Ingest {
  const { config, log, metrics, holder, generations, checkpointer } = deps;
  const stopSource = new AbortController();
  const thumbs = serviceThumbnails(config);
  const done = runPipeline({
    source: stoppable(deps.gate.wrap(source), stopSource.signal),
    parse: (m) => parseEvent(m),
    loadImage: async (ref) => {
      const spec = generations.active.bundle.manifest.image;
      const result = workers
        ? await workers.load(ref, spec, imageOptions(config))
        : await loadImage(ref, spec, imageOptions(config));
      return await thumbs.keep(result, log);
    },
    // The gate guarantees no batch is in flight when the generation changes.
    encode: (batch) =>
      generations.active.encoders.product.encode([...batch], {}),
    index: () => {
      const live = holder.current;
      if (live === null) throw new Error("Cannot apply event: no live index");
      return live;
    },
    deadLetter: (m, reason, detail) => dlq.send(m, reason, detail),
    checkpoint: (positions, n) => {
      deps.covered.applied(positions);
      return checkpointer.applied(positions, n);
    },
    log: log.child({ stage: "pipeline" }),
    metrics,
    clock: systemClock,
  }, {
    maxBatchSize: config.encoder.maxBatchSize,
    maxWaitMs: config.encoder.maxWaitMs,
    imageConcurrency: config.images.concurrency,
    tombstones: deps.tombstones,
  });
  done.catch((err) => log.error("pipeline_failed", { error: err }));
  const timers = new AbortController();
  const checkpointTimer = checkpointer.runTimer(timers.signal);
  const compactTimer = deps.swaps.runAutoCompact({
    staleRatio: config.compaction.stalePercent / 100,
    checkMs: config.compaction.checkMs,
    minStaleRows: config.compaction.minStaleRows,
  }, timers.signal);
  const sweeper = thumbs.runSweeper({
    referenced: () => thumbsOf(holder.current),
    log,
  }, timers.signal);
  let stopping: Promise<PipelineSummary | null> | undefined;
  const stop = () =>
    stopping ??= (async () => {
      stopSource.abort();
      const summary = await done.catch(() => null);
      timers.abort();
      await checkpointTimer;
      await compactTimer;
      await sweeper;
      return summary;
    })();
  return {
    source,
    done,
    stop,
    [Symbol.asyncDispose]: async () => {
      await stop();
      await owned.disposeAsync();
    },
  };
}

/** The thumbnail names the records of `index` hold (null without an index). */
function thumbsOf(index: VectorIndex | null): Set<string> | null {
  if (index === null) return null;
  const names = new Set<string>();
  for (const id of index.ids()) {
    const thumb = index.get(id)?.thumb;
    if (thumb) names.add(thumb);
  }
  return names;
}

/**
 * A group join: every assigned partition starts where this index covers it (the log
 * start for one it never held); partitions it covered but no longer owns are dropped.
 */
function onAssign(
  deps: IngestDeps,
  assigned: readonly number[],
): Record<number, string> {
  const gone = deps.covered.assign(assigned);
  deps.onAssigned?.();
  if (gone.length > 0) {
    dropPartitions(deps, gone).catch((err: unknown) =>
      deps.log.error("partition_drop_failed", { partitions: gone, error: err })
    );
  }
  return Object.fromEntries(assigned.map((p) => [p, deps.covered.startOf(p)]));
}

/** Removes the products of `gone` once their in-flight events are applied. */
async function dropPartitions(
  deps: IngestDeps,
  gone: readonly number[],
): Promise<void> {
  const release = deps.gate.pause();
  try {
    await pollUntil(() => deps.gate.drained(deps.checkpointer.offsets()), {
      what: "in-flight events of revoked partitions",
      timeoutMs: 120_000,
    });
    const live = deps.holder.current;
    if (live === null) return;
    const drop = new Set(gone.filter((p) => !deps.covered.owns(p)));
    const ids = [...live.ids()].filter((id) =>
      drop.has(partitionOf(id, deps.partitions))
    );
    for (const id of ids) live.remove(id);
    deps.log.info("partitions_dropped", {
      partitions: [...drop],
      products: ids.length,
    });
  } finally {
    release();
  }
}

/**
 * The image Worker pool, when configured and safe: with onnxruntime-web (wasm, WebGPU)
 * sessions in the process, Deno Workers were seen to stop answering, so images are
 * decoded on the main thread then (measured gain of the pool is with the native encoder).
 */
function imageWorkers(
  deps: IngestDeps,
  stack: AsyncDisposableStack,
): ImageWorkers | null {
  const { config, log, generations } = deps;
  if (config.images.workers === 0) return null;
  const device = generations.active.encoders.device;
  if (device !== "native") {
    log.warn("image_workers_off", {
      device,
      why:
        "image Workers hang next to onnxruntime-web sessions; decoding on the main thread",
    });
    return null;
  }
  return stack.use(createImageWorkers({ workers: config.images.workers }));
}
