/**
 * The composition root of the ingest service: every part is created here, in order,
 * each with its own slice of the config. Kafka (the embedded broker unless brokers are
 * configured) and the topic; the model and the index to start from (the newest
 * snapshot that belongs to the log, or empty); then the parts: live ingestion (created
 * first, started last), the live index, readiness, swaps, the log watch, the stats,
 * the HTTP server (it serves a loaded snapshot at once); finally ingestion starts.
 * `stop()` shuts down in order: log watch → swaps → drain ingestion → final
 * checkpoint → HTTP → encoders, index, Kafka clients, broker.
 * @module
 */
import { join } from "node:path";
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import { Metrics } from "../metrics.ts";
import {
  createEncoders,
  type Encoders,
  loadBundle,
  type ModelBundle,
} from "../encode/mod.ts";
import { ensureTopic, LogReader } from "../ingest/mod.ts";
import type { Searcher } from "../api/mod.ts";
import { startEmbeddedBroker } from "../broker/mod.ts";
import type { IndexHolder } from "../index/mod.ts";
import {
  PipelineMetrics,
  type PipelineOptions,
  type PipelineSummary,
} from "../pipeline/mod.ts";
import {
  caughtUp,
  EventInput,
  type Generation,
  type IngestSettings,
  LiveIndex,
  LiveIngest,
  LogWatch,
  type OpenedIndex,
  openIndex,
  Readiness,
  type RecordedLog,
  recordOf,
  type ReindexSettings,
  resolveModelDir,
  saveActiveModel,
  serviceThumbnails,
  SWAP_GRACE_MS,
  Swaps,
} from "../live/mod.ts";
import { type ApiSettings, type HttpServer, startHttp } from "./http.ts";
import { ServiceStats } from "./stats.ts";

/** Options of {@linkcode startService}. */
export interface ServiceOptions {
  /** Receives every stage's log lines. */
  readonly log: Logger;
  /** Registry of the service's metrics. @default a new registry */
  readonly metrics?: Metrics;
  /** How long a replaced model stays usable for in-flight queries, ms. @default SWAP_GRACE_MS (10000) */
  readonly swapGraceMs?: number;
  /** Request limits and search tuning of the API. @default the API's defaults */
  readonly api?: ApiSettings;
}

/** A running service. */
export interface Service extends AsyncDisposable {
  /** Base URL of the HTTP server, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Bootstrap brokers in use (the embedded broker's when none was configured). */
  readonly brokers: readonly string[];
  /** The live index reference. */
  readonly holder: IndexHolder;
  /** The service's metrics. */
  readonly metrics: Metrics;
  /** Encoders of the live model (they change with a model upgrade). */
  readonly encoders: Encoders;
  /** Bundle of the live model (it changes with a model upgrade). */
  readonly bundle: ModelBundle;
  /** Compaction and model upgrades. */
  readonly swaps: Swaps;
  /** Settles when the pipeline ends: after `stop()`, or with the error that stopped it. */
  readonly done: Promise<PipelineSummary>;
  /** Graceful shutdown; safe to call more than once. */
  stop(): Promise<void>;
}

/** Starts every part; on failure, what was started is stopped again. */
export async function startService(
  config: Config,
  options: ServiceOptions,
): Promise<Service> {
  const stack = new AsyncDisposableStack();
  try {
    return await compose(config, options, stack);
  } catch (err) {
    await stack.disposeAsync().catch((e) =>
      options.log.error("startup_cleanup_failed", { error: e })
    );
    throw err;
  }
}

/** Creates the parts in order; `stack` owns each long-lived one as it is made. */
async function compose(
  config: Config,
  options: ServiceOptions,
  stack: AsyncDisposableStack,
): Promise<Service> {
  const { log } = options;
  const metrics = options.metrics ?? new Metrics();
  const { kafka } = config;
  // 1. Kafka (the embedded broker unless brokers are configured) and the topic.
  const brokers = await resolveBrokers(config, log, stack);
  const { partitions } = await ensureTopic(brokers, {
    topic: kafka.topic,
    partitions: kafka.partitions,
    compacted: true,
    log,
  });
  const reader = stack.use(
    LogReader.create({ brokers, clientId: kafka.clientId }),
  );
  // 2. The model to run, and the index that belongs to the log as it is now.
  const start = await openStart(config, reader, log);
  // 3. The parts, each before what needs it; ingestion connects only when started.
  const parts = createParts(config, options, {
    brokers,
    reader,
    start,
    metrics,
    stack,
  });
  const { live, ingest, swaps, watch } = parts;
  // 4. HTTP (it serves a loaded snapshot at once), then ingestion, then the log watch.
  const http = startHttp({
    http: config.http,
    api: options.api ?? {},
    log,
    metrics,
    searcher: parts.searcher,
    live,
    swaps,
    stats: parts.stats,
  });
  stack.defer(() => http.stop());
  await ingest.start({
    live,
    swaps,
    partitions,
    onAssigned: () => watch.checkSoon(),
    onOffsetReset: (partition) => watch.offsetReset(partition),
  });
  watch.start();
  log.info("service_started", {
    url: http.url,
    brokers,
    modelVersion: start.model.bundle.manifest.version,
    fromSnapshot: start.opened.fromSnapshot,
    snapshotLoadMs: start.opened.loadMs,
  });
  return running({ ...parts, brokers, metrics, http, log }, stack.move());
}

/** What start-up found: the model to run, the index to start from, its log. */
interface StartState {
  readonly model: Generation;
  readonly opened: OpenedIndex;
  /** The Kafka log the opened index belongs to (the log as read at start). */
  readonly belongs: RecordedLog;
}

/** What {@linkcode createParts} builds on. */
interface Foundation {
  readonly brokers: readonly string[];
  readonly reader: LogReader;
  readonly start: StartState;
  readonly metrics: Metrics;
  readonly stack: AsyncDisposableStack;
}

/** The long-lived parts of the service, none of them running yet. */
interface Parts {
  readonly ingest: LiveIngest;
  readonly live: LiveIndex;
  readonly swaps: Swaps;
  readonly watch: LogWatch;
  readonly searcher: Searcher;
  readonly stats: ServiceStats;
}

/** Creates the parts in dependency order; `stack` owns each as it is made. */
function createParts(
  config: Config,
  options: ServiceOptions,
  { brokers, reader, start, metrics, stack }: Foundation,
): Parts {
  const { log } = options;
  const { topic } = config.kafka;
  const thumbs = serviceThumbnails(config.dataDir);
  const pipeline = new PipelineMetrics(metrics);
  const ingest = new LiveIngest(ingestSettings(config, brokers), {
    log,
    metrics: pipeline,
    thumbs,
  });
  const live = stack.use(
    new LiveIndex({
      ...liveIndexSettings(config),
      ...start,
      committer: ingest,
      log,
      metrics,
      graceMs: options.swapGraceMs ?? SWAP_GRACE_MS,
    }),
  );
  stack.use(ingest);
  const readiness = new Readiness(
    start.opened.fromSnapshot,
    () => caughtUp(ingest.status(), live.offsets(), topic),
  );
  const swaps = new Swaps({
    holder: live.holder,
    log: log.child({ stage: "index" }),
    metrics,
    notReady: () => upgradeBlocked(readiness, ingest),
    reindex: {
      settings: reindexSettings(config, brokers),
      live,
      input: new EventInput(config.images, { thumbs, log }),
      persistModel: (dir, version) => recordModel(config, dir, version),
      log,
    },
  });
  const watch = stack.use(
    new LogWatch({
      reader,
      topic,
      intervalMs: config.kafka.logCheckMs,
      log: log.child({ stage: "index" }),
      metrics,
      live,
      swaps,
      consumer: ingest,
      readiness,
      rejectedAtStart: start.opened.rejected,
    }),
  );
  const searcher = live.searcher(() => readiness.ready, thumbs);
  const stats = new ServiceStats({
    topic,
    live,
    consumer: ingest,
    pipeline,
    swaps,
    logWatch: watch,
    ready: () => searcher.ready,
  });
  return { ingest, live, swaps, watch, searcher, stats };
}

/**
 * The bundle to run (the configured one, or the one a live upgrade installed) with its
 * encoders, and the index to start from; the encoders are disposed again on failure.
 */
async function openStart(
  config: Config,
  reader: LogReader,
  log: Logger,
): Promise<StartState> {
  const { topic } = config.kafka;
  const modelDir = await resolveModelDir(
    config.dataDir,
    config.encoder.modelDir,
    log,
  );
  const bundle = await loadBundle(modelDir);
  const encoders = await createEncoders(bundle, {
    device: config.encoder.device,
    log: log.child({ stage: "encode" }),
  });
  try {
    const current = await reader.readSettled(topic);
    const opened = await openIndex(config.index, bundle, snapshotsDir(config), {
      log,
      current,
      read: () => reader.readSettled(topic),
    });
    return { model: { bundle, encoders }, opened, belongs: recordOf(current) };
  } catch (err) {
    await encoders[Symbol.asyncDispose]();
    throw err;
  }
}

/** Why a model upgrade cannot start now, or null when it can. */
function upgradeBlocked(
  readiness: Readiness,
  ingest: LiveIngest,
): string | null {
  // A replay only takes the partitions this process owns: before the consumer owns
  // them, a model upgrade would build (and swap in) an empty or partial index.
  return readiness.ready && ingest.status().partitions.length > 0
    ? null
    : "The service is not ready or its consumer owns no partitions yet: retry when /readyz is 200";
}

/** Records the bundle a live upgrade installed, so a restart runs it. */
function recordModel(
  config: Config,
  modelDir: string,
  version: string,
): Promise<void> {
  return saveActiveModel(config.dataDir, {
    modelDir,
    version,
    configuredModelDir: config.encoder.modelDir,
    installedAtMs: Date.now(),
  });
}

/** The snapshots folder, inside the data dir (read replicas read it too). */
function snapshotsDir(config: Config): string {
  return join(config.dataDir, "snapshots");
}

/** Batching and image concurrency, the same for live ingestion and a reindex replay. */
function pipelineOptions(config: Config): PipelineOptions {
  return {
    maxBatchSize: config.encoder.maxBatchSize,
    maxWaitMs: config.encoder.maxWaitMs,
    imageConcurrency: config.images.concurrency,
  };
}

/** The slice of config live ingestion runs with. */
function ingestSettings(
  config: Config,
  brokers: readonly string[],
): IngestSettings {
  return {
    brokers,
    kafka: config.kafka,
    images: config.images,
    pipeline: pipelineOptions(config),
    compaction: config.compaction,
  };
}

/** The slice of config a reindex runs with. */
function reindexSettings(
  config: Config,
  brokers: readonly string[],
): ReindexSettings {
  return {
    brokers,
    kafka: config.kafka,
    device: config.encoder.device,
    index: config.index,
    pipeline: pipelineOptions(config),
  };
}

/** The slice of config the live index keeps itself with. */
function liveIndexSettings(config: Config) {
  const { topic, groupId } = config.kafka;
  return {
    topic,
    index: config.index,
    snapshots: {
      ...config.snapshots,
      dir: snapshotsDir(config),
      meta: { topic, groupId },
    },
  };
}

/** The configured brokers, or a freshly started embedded broker. */
async function resolveBrokers(
  config: Config,
  log: Logger,
  stack: AsyncDisposableStack,
): Promise<readonly string[]> {
  if (config.kafka.brokers.length > 0) return config.kafka.brokers;
  const broker = stack.use(
    await startEmbeddedBroker({
      dataDir: join(config.dataDir, "kafka"),
      port: config.kafka.embeddedPort,
      log: log.child({ stage: "broker" }),
    }),
  );
  return broker.brokers;
}

/** The running service over its parts; `owned` holds every part's disposal. */
function running(
  parts: Parts & {
    brokers: readonly string[];
    metrics: Metrics;
    http: HttpServer;
    log: Logger;
  },
  owned: AsyncDisposableStack,
): Service {
  const { live, ingest, swaps, watch, http, log } = parts;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    stopping ??= (async () => {
      await watch[Symbol.asyncDispose]();
      swaps.abort();
      const summary = await ingest.stop();
      await swaps.settled();
      try {
        await live.checkpointer.checkpoint();
      } catch (err) {
        log.error("final_checkpoint_failed", { error: err });
      }
      await http.stop();
      await owned.disposeAsync();
      log.info("service_stopped", { summary });
    })();
  return {
    url: http.url,
    brokers: parts.brokers,
    holder: live.holder,
    metrics: parts.metrics,
    get encoders() {
      return live.generations.active.encoders;
    },
    get bundle() {
      return live.generations.active.bundle;
    },
    swaps,
    done: ingest.done,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
