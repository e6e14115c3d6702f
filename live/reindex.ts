/**
 * Model upgrade without downtime: a shadow index is built with the new bundle from a
 * replay of the topic (a private consumer group) while the old index serves; once the
 * replay is close to the live pipeline, live ingestion pauses, the replay catches up to
 * exactly the live offsets, and the new index and encoders are installed together. The
 * live pipeline then resumes where it was, writing with the new model.
 * @module
 */
import { serviceThumbnails } from "./thumbnails.ts";
import type { Config } from "../config.ts";
import {
  createEncoders,
  DEFAULT_THUMBNAIL,
  loadBundle,
  loadImage,
} from "../encode/mod.ts";
import { createUsearchIndex, type VectorIndex } from "../index/mod.ts";
import { createKafkaSource, parseEvent } from "../ingest/mod.ts";
import type { Logger } from "../log.ts";
import { Metrics } from "../metrics.ts";
import type { PartitionOffsets, PipelineSummary } from "../pipeline/mod.ts";
import { runPipeline, systemClock } from "../pipeline/mod.ts";
import type { Generation, Generations } from "./generations.ts";
import { type IngestGate, pollUntil } from "./ingest_gate.ts";
import { BoundedReplay, type Offsets } from "./replay.ts";

/** What a reindex needs from the running service. */
export interface ReindexDeps {
  readonly config: Config;
  readonly brokers: readonly string[];
  readonly log: Logger;
  readonly generations: Generations;
  readonly gate: IngestGate;
  /** Next offset per partition of owned partitions that the live index covers. */
  liveOffsets(): PartitionOffsets;
  /** Whether every message handed to the live pipeline is in the index. */
  liveDrained(): boolean;
  /** Whether this process owns `partition` (others are skipped by the replay). */
  owns(partition: number): boolean;
  /** Writes a durable snapshot of the live index now. */
  snapshotNow(): Promise<void>;
  /** Records the model the service must load on its next start. */
  persistModel(modelDir: string, version: string): Promise<void>;
  /** Products in the live index now. */
  liveSize(): number;
}

/** Outcome of {@linkcode reindex}. */
export interface ReindexResult {
  readonly modelVersion: string;
  readonly previousVersion: string;
  readonly size: number;
  readonly replayed: PipelineSummary;
  readonly pausedMs: number;
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
    device: deps.config.encoder.device,
    log,
  });
  const generation: Generation = { bundle, encoders };
  const index = createUsearchIndex({
    dims: bundle.manifest.dims,
    modelVersion: bundle.manifest.version,
    connectivity: deps.config.index.connectivity,
    expansionAdd: deps.config.index.expansionAdd,
    expansionSearch: deps.config.index.expansionSearch,
    quantization: deps.config.index.quantization,
  });
  log.info("reindex_started", {
    modelDir,
    modelVersion: bundle.manifest.version,
  });
  let release = () => {};
  try {
    const built = await buildShadow(deps, generation, index, options);
    release = built.release;
    const liveSize = deps.liveSize();
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
    const previousVersion = deps.generations.modelVersion;
    deps.generations.install(generation, index);
    release();
    await deps.persistModel(modelDir, bundle.manifest.version);
    await deps.snapshotNow();
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
    if (deps.generations.active !== generation) {
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
  const { config } = deps;
  const topic = config.kafka.topic;
  const timeoutMs = options.timeoutMs ?? 600_000;
  await using source = await createKafkaSource({
    brokers: deps.brokers,
    topic,
    groupId: `${config.kafka.groupId}.reindex.${Date.now().toString(36)}`,
    clientId: `${config.kafka.clientId}-reindex`,
    log: deps.log.child({ stage: "reindex", component: "source" }),
    maxBufferedMessages: config.kafka.maxBufferedMessages,
    fromBeginning: true,
  });
  const live = (): Offsets => deps.liveOffsets()[topic] ?? {};
  const replay = new BoundedReplay(source, {
    liveTarget: live,
    accept: (partition) => deps.owns(partition),
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
  const release = deps.gate.pause();
  try {
    await pollUntil(() => deps.liveDrained(), {
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
  const { config } = deps;
  const spec = generation.bundle.manifest.image;
  const log = deps.log.child({ stage: "reindex", component: "pipeline" });
  const thumbs = serviceThumbnails(config);
  return runPipeline({
    source: replay.messages(),
    parse: (m) => parseEvent(m),
    loadImage: async (ref) =>
      await thumbs.keep(await loadImage(ref, spec, imageOptions(config)), log),
    encode: (batch) => generation.encoders.product.encode([...batch], {}),
    index: () => index,
    // The live pipeline already dead-lettered these; the replay only skips them.
    deadLetter: () => Promise.resolve(),
    checkpoint: () => Promise.resolve(),
    log,
    metrics: new Metrics(),
    clock: systemClock,
  }, {
    maxBatchSize: config.encoder.maxBatchSize,
    maxWaitMs: config.encoder.maxWaitMs,
    imageConcurrency: config.images.concurrency,
  });
}

/** Image loading limits from the config. */
export function imageOptions(config: Config) {
  return {
    maxBytes: config.images.maxBytes,
    timeoutMs: config.images.timeoutMs,
    maxPixels: config.images.maxPixels,
    allowPrivateNetwork: config.images.allowPrivateNetwork,
    baseDir: config.images.baseDir,
    thumbnail: DEFAULT_THUMBNAIL,
  };
}
