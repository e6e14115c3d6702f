/**
 * Starts the whole service from a resolved config: broker (embedded or given), model
 * bundle and encoders, the index (from the newest valid snapshot, or empty), the Kafka
 * source aligned to that snapshot, the dead-letter sink, the pipeline, checkpoints and the
 * HTTP server. `stop()` shuts down in order: stop the source → drain in-flight batches →
 * snapshot → commit → stop HTTP → dispose encoders, index, Kafka clients, broker.
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
  loadImage,
  type ModelBundle,
} from "../encode/mod.ts";
import {
  createKafkaDeadLetterSink,
  createKafkaSource,
  ensureTopic,
  parseEvent,
  startEmbeddedBroker,
} from "../ingest/mod.ts";
import {
  createUsearchIndex,
  IndexHolder,
  loadLatestSnapshot,
  saveSnapshot,
  type VectorIndex,
} from "../index/mod.ts";
import {
  Checkpointer,
  type PartitionOffsets,
  type PipelineSummary,
  runPipeline,
  stoppable,
  systemClock,
} from "../pipeline/mod.ts";
import { alignGroupOffsets } from "./group_offsets.ts";
import { startHttp } from "./http.ts";

/** Options of {@linkcode startService}. */
export interface ServiceOptions {
  readonly log: Logger;
  /** @default a new registry */
  readonly metrics?: Metrics;
}

/** A running service. */
export interface Service extends AsyncDisposable {
  /** Base URL of the HTTP server, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly brokers: readonly string[];
  readonly holder: IndexHolder;
  readonly metrics: Metrics;
  readonly encoders: Encoders;
  readonly bundle: ModelBundle;
  /** Settles when the pipeline ends: after `stop()`, or with the error that stopped it. */
  readonly done: Promise<PipelineSummary>;
  /** Graceful shutdown; safe to call more than once. */
  stop(): Promise<void>;
}

/** Starts every stage; on failure, what was started is stopped again. */
export async function startService(
  config: Config,
  options: ServiceOptions,
): Promise<Service> {
  const log = options.log;
  const metrics = options.metrics ?? new Metrics();
  const stack = new AsyncDisposableStack();
  try {
    const brokers = await resolveBrokers(config, log, stack);
    const { topic, groupId } = config.kafka;
    await ensureTopic(brokers, {
      topic,
      partitions: config.kafka.partitions,
      compacted: true,
      log,
    });
    const bundle = await loadBundle(config.encoder.modelDir);
    const encoders = stack.use(
      await createEncoders(bundle, {
        device: config.encoder.device,
        log: log.child({ stage: "encode" }),
      }),
    );
    const snapshotsDir = join(config.dataDir, "snapshots");
    const { index, offsets, fromSnapshot } = await openIndex(
      config,
      bundle,
      snapshotsDir,
      log,
    );
    const holder = new IndexHolder({
      initial: index,
      log: log.child({ stage: "index" }),
    });
    stack.defer(() => holder[Symbol.dispose]());
    const sourceLog = log.child({ stage: "source" });
    await alignGroupOffsets(brokers, {
      groupId,
      topic,
      offsets,
      log: sourceLog,
    });
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
    const checkpointer = new Checkpointer(
      {
        snapshot: async (o) => {
          const live = holder.current;
          if (live === null) throw new Error("Cannot snapshot: no live index");
          await saveSnapshot(live, snapshotsDir, {
            meta: { offsets: o, topic, groupId },
            keep: config.snapshots.keep,
            log: log.child({ stage: "index" }),
          });
        },
        commit: (positions) => source.commit(positions),
        clock: systemClock,
        log: log.child({ stage: "checkpoint" }),
        metrics,
      },
      config.snapshots,
      offsets,
    );

    const stopSource = new AbortController();
    const imageOptions = {
      maxBytes: config.images.maxBytes,
      timeoutMs: config.images.timeoutMs,
      maxPixels: config.images.maxPixels,
      allowPrivateNetwork: config.images.allowPrivateNetwork,
      baseDir: config.images.baseDir,
    };
    const done = runPipeline({
      source: stoppable(source, stopSource.signal),
      parse: (m) => parseEvent(m),
      loadImage: (ref) => loadImage(ref, bundle.manifest.image, imageOptions),
      encode: (batch) => encoders.product.encode([...batch], {}),
      index: () => {
        const live = holder.current;
        if (live === null) throw new Error("Cannot apply event: no live index");
        return live;
      },
      deadLetter: (m, reason, detail) => dlq.send(m, reason, detail),
      checkpoint: (positions, n) => checkpointer.applied(positions, n),
      log: log.child({ stage: "pipeline" }),
      metrics,
      clock: systemClock,
    }, {
      maxBatchSize: config.encoder.maxBatchSize,
      maxWaitMs: config.encoder.maxWaitMs,
      imageConcurrency: config.images.concurrency,
    });
    done.catch((err) => log.error("pipeline_failed", { error: err }));
    const timerStop = new AbortController();
    const timer = checkpointer.runTimer(timerStop.signal);

    const http = await startHttp({
      config,
      log,
      metrics,
      holder,
      encoders,
      source,
      checkpointer,
      fromSnapshot,
    });
    log.info("service_started", {
      url: http.url,
      brokers,
      modelVersion: bundle.manifest.version,
      fromSnapshot,
    });

    let stopping: Promise<void> | undefined;
    const stop = () =>
      stopping ??= (async () => {
        stopSource.abort();
        const summary = await done.catch(() => null);
        timerStop.abort();
        await timer;
        try {
          await checkpointer.checkpoint();
        } catch (err) {
          log.error("final_checkpoint_failed", { error: err });
        }
        await http.stop();
        await stack.disposeAsync();
        log.info("service_stopped", { summary });
      })();
    return {
      url: http.url,
      brokers,
      holder,
      metrics,
      encoders,
      bundle,
      done,
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (err) {
    await stack.disposeAsync().catch((e) =>
      log.error("startup_cleanup_failed", { error: e })
    );
    throw err;
  }
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

/** The newest valid snapshot of this model, or an empty index when there is none. */
async function openIndex(
  config: Config,
  bundle: ModelBundle,
  dir: string,
  log: Logger,
): Promise<
  { index: VectorIndex; offsets: PartitionOffsets; fromSnapshot: boolean }
> {
  const params = {
    connectivity: config.index.connectivity,
    expansionAdd: config.index.expansionAdd,
    expansionSearch: config.index.expansionSearch,
    quantization: config.index.quantization,
  };
  const loaded = await loadLatestSnapshot(dir, {
    modelVersion: bundle.manifest.version,
    index: params,
    log: log.child({ stage: "index" }),
  });
  if (loaded !== null) {
    const offsets =
      (loaded.manifest.meta as { offsets?: PartitionOffsets } | undefined)
        ?.offsets ?? {};
    return { index: loaded.index, offsets, fromSnapshot: true };
  }
  const index = createUsearchIndex({
    dims: bundle.manifest.dims,
    modelVersion: bundle.manifest.version,
    ...params,
  });
  return { index, offsets: {}, fromSnapshot: false };
}
