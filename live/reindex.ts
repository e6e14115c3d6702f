/**
 * Model upgrade without downtime: a shadow index is built with the new bundle from a
 * replay of the topic (a private consumer group) while the old index serves; once the
 * replay is close to the live pipeline, live ingestion pauses, the replay catches up to
 * exactly the live offsets, and the new index and encoders are installed together. The
 * live pipeline then resumes where it was, writing with the new model.
 * @module
 */
import type { IndexConfig, KafkaConfig } from "../config.ts";
import {
  createEncoders,
  type EncoderDevice,
  loadBundle,
} from "../encode/mod.ts";
import { createUsearchIndex, type VectorIndex } from "../index/mod.ts";
import { createKafkaSource } from "../ingest/mod.ts";
import type { Logger } from "../log.ts";
import { Metrics } from "../metrics.ts";
import {
  type PartitionOffsets,
  PipelineMetrics,
  type PipelineOptions,
  type PipelineSummary,
  runPipeline,
  systemClock,
} from "../pipeline/mod.ts";
import type { EventInput } from "./event_input.ts";
import type { Generation, Generations } from "./generations.ts";
import { type IngestGate, pollUntil } from "./ingest_gate.ts";
import { BoundedReplay, type Offsets } from "./replay.ts";

/** How a reindex builds its shadow: the replay consumer, the model, the index. */
export interface ReindexSettings {
  /** Bootstrap brokers. */
  readonly brokers: readonly string[];
  /** The live consumer's settings; the replay joins a private group beside it. */
  readonly kafka: Pick<
    KafkaConfig,
    "topic" | "groupId" | "clientId" | "maxBufferedMessages"
  >;
  /** Execution device of the new model's encoders. */
  readonly device: EncoderDevice;
  /** Parameters of the shadow index. */
  readonly index: IndexConfig;
  /** Batching and image concurrency, as the live pipeline's. */
  readonly pipeline: PipelineOptions;
}

/** What a reindex reads and changes of the live index (a `LiveIndex`). */
export interface ReindexTarget {
  readonly generations: Generations;
  readonly gate: IngestGate;
  /** Products in the live index now. */
  readonly size: number;
  /** Next offset per partition of owned partitions that the live index covers. */
  offsets(): PartitionOffsets;
  /** Whether every message handed to the live pipeline is in the index. */
  drained(): boolean;
  /** Whether this process owns `partition` (others are skipped by the replay). */
  owns(partition: number): boolean;
  /** Writes a durable snapshot of the live index now. */
  snapshot(): Promise<void>;
}

/** What a reindex needs from the running service. */
export interface ReindexDeps {
  readonly settings: ReindexSettings;
  /** The live index the new one replaces. */
  readonly live: ReindexTarget;
  /** Reads events as live ingestion does (parse limits, images, thumbnails). */
  readonly input: EventInput;
  /** Records the model the service must load on its next start. */
  persistModel(modelDir: string, version: string): Promise<void>;
  readonly log: Logger;
}

/** Outcome of {@linkcode reindex}. */
export interface ReindexResult {
  /** Version of the model now live. */
  readonly modelVersion: string;
  /** Version of the model it replaced. */
  readonly previousVersion: string;
  /** Products in the new index. */
  readonly size: number;
  /** Totals of the replay that built it. */
  readonly replayed: PipelineSummary;
  /** How long live ingestion was paused for the final catch-up and swap, ms. */
  readonly pausedMs: number;
  /** The whole upgrade, ms. */
  readonly durationMs: number;
}

/**
 * Rebuilds the index with the bundle in `modelDir` and swaps it in with its encoders.
 * @throws {EncodeError} when the bundle cannot be loaded; nothing changes then
 */
export async function reindex(
  deps: ReindexDeps,
  modelDir: string,
  options: { signal?: AbortSignal; timeoutMs?: number; force?: boolean } = {},
): Promise<ReindexResult> {
  const started = Date.now();
  const log = deps.log.child({ stage: "reindex" });
  const bundle = await loadBundle(modelDir);
  const encoders = await createEncoders(bundle, {
    device: deps.settings.device,
    log,
  });
  const generation: Generation = { bundle, encoders };
  const index = createUsearchIndex({
    dims: bundle.manifest.dims,
    modelVersion: bundle.manifest.version,
    ...deps.settings.index,
  });
  log.info("reindex_started", {
    modelDir,
    modelVersion: bundle.manifest.version,
  });
  let release = () => {};
  try {
    const built = await buildShadow(deps, generation, index, options);
    release = built.release;
    const liveSize = deps.live.size;
    if (!options.force && liveSize >= 100 && index.size < liveSize / 2) {
      // The shadow holds what the replay of this process's partitions produced; a much
      // smaller one means the replay missed data, and swapping it in would lose products.
      throw new Error(
        `Refusing to swap in the new index: it holds ${index.size} products, the live one ${liveSize} (pass "force": true to swap anyway)`,
      );
    }
    // Cancelled while live ingestion was paused (e.g. the log changed under the
    // shadow): nothing is installed.
    options.signal?.throwIfAborted();
    const previousVersion = deps.live.generations.modelVersion;
    deps.live.generations.install(generation, index);
    release();
    await deps.persistModel(modelDir, bundle.manifest.version);
    await deps.live.snapshot();
    const result = {
      modelVersion: bundle.manifest.version,
      previousVersion,
      size: index.size,
      replayed: built.summary,
      pausedMs: built.pausedMs,
      durationMs: Date.now() - started,
    };
    log.info("reindex_done", { ...result });
    return result;
  } catch (err) {
    release();
    if (deps.live.generations.active !== generation) {
      index[Symbol.dispose]();
      await encoders[Symbol.asyncDispose]();
    }
    throw err;
  }
}

/** Replays the topic into `index`; returns with live ingestion paused and drained. */
async function buildShadow(
  deps: ReindexDeps,
  generation: Generation,
  index: VectorIndex,
  options: { signal?: AbortSignal; timeoutMs?: number },
): Promise<
  { summary: PipelineSummary; pausedMs: number; release: () => void }
> {
  const { kafka } = deps.settings;
  const topic = kafka.topic;
  const timeoutMs = options.timeoutMs ?? 600_000;
  await using source = await createKafkaSource({
    brokers: deps.settings.brokers,
    topic,
    groupId: `${kafka.groupId}.reindex.${Date.now().toString(36)}`,
    clientId: `${kafka.clientId}-reindex`,
    log: deps.log.child({ stage: "reindex", component: "source" }),
    maxBufferedMessages: kafka.maxBufferedMessages,
    fromBeginning: true,
  });
  const live = (): Offsets => deps.live.offsets()[topic] ?? {};
  const replay = new BoundedReplay(source, {
    liveTarget: live,
    accept: (partition) => deps.live.owns(partition),
  });
  const done = runShadowPipeline(deps, generation, index, replay);
  const ended = new AbortController();
  done.then(
    () =>
      ended.abort(new Error("Replay ended before reaching the live offsets")),
    (err) => ended.abort(err),
  );
  const signals = options.signal
    ? [ended.signal, options.signal]
    : [ended.signal];
  await pollUntil(() => replay.reached(live()), {
    what: "the replay to reach the live offsets",
    timeoutMs,
    everyMs: 50,
    signal: AbortSignal.any(signals),
  });
  const pausedAt = Date.now();
  const release = deps.live.gate.pause();
  try {
    await pollUntil(() => deps.live.drained(), {
      what: "in-flight live batches to be applied",
      timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    replay.finish(live());
    const summary = await done;
    return { summary, pausedMs: Date.now() - pausedAt, release };
  } catch (err) {
    release();
    throw err;
  }
}

function runShadowPipeline(
  deps: ReindexDeps,
  generation: Generation,
  index: VectorIndex,
  replay: BoundedReplay,
): Promise<PipelineSummary> {
  const spec = generation.bundle.manifest.image;
  const log = deps.log.child({ stage: "reindex", component: "pipeline" });
  return runPipeline({
    source: replay.messages(),
    parse: (m) => deps.input.parse(m),
    loadImage: (ref) => deps.input.loadImage(ref, spec),
    encode: (batch) => generation.encoders.product.encode([...batch], {}),
    index: () => index,
    // The live pipeline already dead-lettered these; the replay only skips them.
    deadLetter: () => Promise.resolve(),
    checkpoint: () => Promise.resolve(),
    log,
    // The replay's own counts: the service's figures count live ingestion only.
    metrics: new PipelineMetrics(new Metrics()),
    clock: systemClock,
  }, deps.settings.pipeline);
}
