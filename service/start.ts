/**
 * Starts the whole service from a resolved config: broker (embedded or given), model
 * bundle and encoders, the index (from the newest valid snapshot, or empty), the HTTP
 * server (it serves a loaded snapshot at once), the Kafka source aligned to that
 * snapshot, the dead-letter sink, the pipeline, checkpoints, automatic compaction and
 * model upgrades. `stop()` shuts down in order: stop the source → drain in-flight
 * batches → snapshot → commit → stop HTTP → dispose encoders, index, Kafka clients,
 * broker.
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
import {
  ensureTopic,
  type KafkaSource,
  LogReader,
  startEmbeddedBroker,
} from "../ingest/mod.ts";
import { createUsearchIndex, IndexHolder } from "../index/mod.ts";
import {
  Checkpointer,
  type PipelineSummary,
  systemClock,
  TombstoneCache,
} from "../pipeline/mod.ts";
import { caughtUp, Readiness } from "./lag.ts";
import { resolveModelDir, saveActiveModel } from "./active_model.ts";
import { Generations } from "./generations.ts";
import { startHttp } from "./http.ts";
import { IngestGate } from "./ingest_gate.ts";
import { indexParams, openIndex } from "./open_index.ts";
import { recordOf } from "./log_identity.ts";
import { LogWatch } from "./log_watch.ts";
import { pollUntil } from "./ingest_gate.ts";
import { CoveredOffsets } from "./partitions.ts";
import { startIngest } from "./ingest.ts";
import { SnapshotWriter } from "./snapshot_writer.ts";
import { Swaps } from "./swaps.ts";

/** Options of {@linkcode startService}. */
export interface ServiceOptions {
  /** Receives every stage's log lines. */
  readonly log: Logger;
  /** Registry of the service's metrics. @default a new registry */
  readonly metrics?: Metrics;
  /** How long a replaced model stays usable for in-flight queries, ms. @default 10000 */
  readonly swapGraceMs?: number;
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
    const topicInfo = await ensureTopic(brokers, {
      topic,
      partitions: config.kafka.partitions,
      compacted: true,
      log,
    });
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
    const logReader = stack.use(
      LogReader.create({ brokers, clientId: config.kafka.clientId }),
    );
    const logAtStart = await logReader.readSettled(topic);
    const snapshotsDir = join(config.dataDir, "snapshots");
    const opened = await openIndex(config, bundle, snapshotsDir, {
      log,
      current: logAtStart,
      read: () => logReader.readSettled(topic),
    });
    if (opened.rejected) {
      metrics.counter(
        "log_rebuilds_total",
        "Index rebuilds from the topic because the log changed, by reason",
      ).inc({ reason: opened.rejected.reason });
    }
    let watch: LogWatch | null = null;
    const holder = new IndexHolder({
      initial: opened.index,
      log: log.child({ stage: "index" }),
    });
    stack.defer(() => holder[Symbol.dispose]());
    const generations = new Generations({
      holder,
      initial: { bundle, encoders },
      log: log.child({ stage: "index" }),
      graceMs: options.swapGraceMs ?? 10_000,
    });
    stack.use(generations);
    let source: KafkaSource | null = null;
    const covered = new CoveredOffsets(topic, opened.offsets);
    const tombstones = TombstoneCache.from(opened.tombstones, 100_000);
    const writer = new SnapshotWriter({
      holder,
      generations,
      dir: snapshotsDir,
      meta: { topic, groupId },
      belongsTo: () => watch?.belongs ?? recordOf(logAtStart),
      tombstones,
      keep: config.snapshots.keep,
      log: log.child({ stage: "index" }),
    });
    const checkpointer = new Checkpointer(
      {
        // What the index covers of owned partitions (the checkpointer never forgets one).
        snapshot: () => writer.write(covered.offsets()),
        commit: (positions) => {
          if (source === null) throw new Error("Cannot commit: no source yet");
          return source.commit(positions);
        },
        clock: systemClock,
        log: log.child({ stage: "checkpoint" }),
        metrics,
      },
      config.snapshots,
      opened.offsets,
    );
    const gate = new IngestGate();
    const readiness = new Readiness(
      opened.fromSnapshot,
      () => caughtUp(source?.status(), covered.offsets(), config.kafka.topic),
    );
    const swaps = new Swaps({
      holder,
      log: log.child({ stage: "index" }),
      metrics,
      // A replay only takes the partitions this process owns: before the consumer owns
      // them, a model upgrade would build (and swap in) an empty or partial index.
      notReady: () =>
        readiness.ready && (source?.status().partitions.length ?? 0) > 0
          ? null
          : "The service is not ready or its consumer owns no partitions yet: retry when /readyz is 200",
      reindex: {
        config,
        brokers,
        log,
        generations,
        gate,
        liveOffsets: () => covered.offsets(),
        liveDrained: () => gate.drained(checkpointer.offsets()),
        owns: (partition) => covered.owns(partition),
        liveSize: () => holder.current?.size ?? 0,
        snapshotNow: () => writer.write(covered.offsets()),
        persistModel: (dir, version) =>
          saveActiveModel(config.dataDir, {
            modelDir: dir,
            version,
            configuredModelDir: config.encoder.modelDir,
            installedAtMs: Date.now(),
          }),
      },
    });
    const http = await startHttp({
      config,
      log,
      metrics,
      holder,
      generations,
      source: () => source,
      checkpointer,
      applied: () => covered.offsets(),
      swaps,
      readiness,
      logStats: () =>
        watch?.stats() ?? { ...recordOf(logAtStart), rebuilds: {} },
    });
    const ingest = await startIngest({
      config,
      brokers,
      log,
      metrics,
      holder,
      generations,
      gate,
      checkpointer,
      swaps,
      offsets: opened.offsets,
      tombstones,
      covered,
      partitions: topicInfo.partitions,
      onAssigned: () => watch?.checkSoon(),
      onOffsetReset: (partition) => watch?.offsetReset(partition),
    });
    source = ingest.source;
    stack.use(ingest);
    watch = new LogWatch({
      reader: logReader,
      topic,
      initial: recordOf(logAtStart),
      intervalMs: config.kafka.logCheckMs,
      rebuild: {
        log: log.child({ stage: "index" }),
        metrics,
        exclusive: (reason, fn) => swaps.exclusive(reason, fn),
        pauseAndDrain: async () => {
          const release = gate.pause();
          try {
            await pollUntil(() => gate.drained(checkpointer.offsets()), {
              what: "in-flight events before a rebuild",
              timeoutMs: 120_000,
            });
          } catch (err) {
            release();
            throw err;
          }
          return release;
        },
        installEmptyIndex: async () => {
          const b = generations.active.bundle;
          await holder.replace(createUsearchIndex({
            dims: b.manifest.dims,
            modelVersion: b.manifest.version,
            ...indexParams(config),
          }));
        },
        forgetProgress: () => {
          covered.reset();
          checkpointer.reset();
          tombstones.clear();
          gate.forget();
        },
        covered: () => covered.offsets()[topic] ?? {},
        owned: () => covered.owned(),
        source: () => source,
        unready: () => readiness.reset(),
        snapshot: () => writer.write(covered.offsets()),
      },
    });
    stack.use(watch);
    watch.start();
    log.info("service_started", {
      url: http.url,
      brokers,
      modelVersion: bundle.manifest.version,
      fromSnapshot: opened.fromSnapshot,
      snapshotLoadMs: opened.loadMs,
    });

    let stopping: Promise<void> | undefined;
    const stop = () =>
      stopping ??= (async () => {
        await watch?.[Symbol.asyncDispose]();
        swaps.abort();
        const summary = await ingest.stop();
        await swaps.settled();
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
      get encoders() {
        return generations.active.encoders;
      },
      get bundle() {
        return generations.active.bundle;
      },
      swaps,
      done: ingest.done,
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
