/**
 * A read replica: a search-only service over a snapshot folder that an ingest process
 * writes (shared disk, or a synced copy). No Kafka. It polls the folder, loads each new
 * snapshot beside the live one and swaps it in; when the snapshot's model version
 * changes it loads that bundle (the folder recorded in the snapshot, else `modelDir`) and
 * switches index and query encoder together. Not ready until a snapshot is loaded.
 * @module
 */
import {
  Generations,
  type RecordedLog,
  recordedLog,
  thumbnailDir,
  ThumbnailStore,
} from "../live/mod.ts";
import {
  createEncoders,
  type EncoderDevice,
  loadBundle,
} from "../encode/mod.ts";
import {
  IndexHolder,
  listSnapshots,
  loadLatestSnapshot,
} from "../index/mod.ts";
import { listen } from "../listen.ts";
import type { Logger } from "../log.ts";
import { Metrics } from "../metrics.ts";
import { createApp } from "../api/mod.ts";
import { REPLICA_DEFAULTS } from "./flags.ts";

/** Options of {@linkcode startReplica}. */
export interface ReplicaOptions {
  /** The `snapshots` folder of an ingest process's data dir. */
  readonly snapshotsDir: string;
  /** Bundle used when a snapshot records none. @default `--model` of REPLICA_FLAGS (app/flags.ts) */
  readonly modelDir?: string;
  /** Listen address. @default `--host` of REPLICA_FLAGS (app/flags.ts) */
  readonly host?: string;
  /** 0 picks a free port. @default `--port` of REPLICA_FLAGS (app/flags.ts) */
  readonly port?: number;
  /** How often the folder is checked for a newer snapshot, ms. @default `--poll-ms` of REPLICA_FLAGS (app/flags.ts) */
  readonly pollMs?: number;
  /** Encoder device. @default `--device` of REPLICA_FLAGS (app/flags.ts) */
  readonly device?: EncoderDevice;
  /** Receives reload and request log lines. */
  readonly log: Logger;
  /** Registry of the replica's metrics. @default a new registry */
  readonly metrics?: Metrics;
}

/** A running replica. */
export interface Replica extends AsyncDisposable {
  /** Base URL of its HTTP server. */
  readonly url: string;
  /** The live index reference. */
  readonly holder: IndexHolder;
  /** The live model and its index. */
  readonly generations: Generations;
  /** Sequence number of the loaded snapshot; -1 before the first. */
  readonly loadedSeq: number;
  /** Checks the folder now (the poll loop calls this). */
  refresh(): Promise<void>;
  /** Stops HTTP and polling, disposes encoders and index; safe to call twice. */
  stop(): Promise<void>;
}

/** Loads the newest snapshot if there is one, starts HTTP and the poll loop. */
export async function startReplica(options: ReplicaOptions): Promise<Replica> {
  const log = options.log.child({ stage: "replica" });
  const metrics = options.metrics ?? new Metrics();
  const device = options.device ?? REPLICA_DEFAULTS.device;
  const fallbackDir = options.modelDir ?? REPLICA_DEFAULTS.model;
  const bundle = await loadBundle(fallbackDir);
  const holder = new IndexHolder({ log });
  const generations = new Generations({
    holder,
    initial: {
      bundle,
      encoders: await createEncoders(bundle, { device, log }),
    },
    log,
  });
  let loadedSeq = -1;
  let loadedAtMs = 0;
  let loadedLog: RecordedLog | null = null;
  const reloads = metrics.counter(
    "replica_reloads_total",
    "Snapshots swapped in",
  );
  const refresh = async () => {
    const newest = (await listSnapshots(options.snapshotsDir))[0];
    if (newest === undefined || newest.seq === loadedSeq) return;
    const loaded = await loadLatestSnapshot(options.snapshotsDir, { log });
    if (loaded === null || loaded.manifest.seq === loadedSeq) {
      loaded?.index[Symbol.dispose]();
      return;
    }
    try {
      const version = loaded.manifest.modelVersion;
      let generation = generations.active;
      if (version !== generations.modelVersion) {
        const meta = loaded.manifest.meta as { modelDir?: string } | undefined;
        const next = await loadBundle(meta?.modelDir ?? fallbackDir);
        generation = {
          bundle: next,
          encoders: await createEncoders(next, { device, log }),
        };
      }
      generations.install(generation, loaded.index);
    } catch (err) {
      loaded.index[Symbol.dispose]();
      throw err;
    }
    noteLog(recordedLog(loaded.manifest.meta));
    loadedSeq = loaded.manifest.seq;
    loadedAtMs = Date.now();
    reloads.inc();
    log.info("replica_reloaded", {
      seq: loadedSeq,
      size: loaded.index.size,
      modelVersion: loaded.manifest.modelVersion,
    });
  };
  /** The ingest process rebuilt from another log: the old index is replaced, and said so. */
  const noteLog = (next: RecordedLog | null) => {
    const previous = loadedLog;
    loadedLog = next;
    if (previous === null || next === null) return;
    const reason = previous.clusterId !== next.clusterId
      ? "cluster_changed"
      : previous.topic !== next.topic
      ? "topic_changed"
      : previous.topicId !== next.topicId
      ? "topic_recreated"
      : null;
    if (reason === null) return;
    metrics.counter(
      "log_rebuilds_total",
      "Index rebuilds from the topic because the log changed, by reason",
    ).inc({ reason });
    log.warn("replica_log_changed", {
      reason,
      why:
        "the ingest process rebuilt its index from another Kafka log: the snapshot of the old log is replaced",
      from: previous,
      to: next,
    });
  };
  await refresh().catch((err: unknown) =>
    log.warn("replica_reload_failed", { error: err })
  );
  const app = createApp({
    searcher: generations.searcher(
      () => holder.ready,
      new ThumbnailStore(thumbnailDir(options.snapshotsDir)),
    ),
    encoder: generations.queryEncoder(),
    stats: () => ({
      role: "replica",
      ready: holder.ready,
      indexed: holder.current?.size ?? 0,
      snapshot: {
        seq: loadedSeq,
        loadedAgeMs: loadedAtMs ? Date.now() - loadedAtMs : null,
      },
      log: loadedLog,
      model: {
        version: generations.modelVersion,
        dir: generations.active.bundle.dir,
      },
    }),
    metrics,
    log,
  });
  const abort = new AbortController();
  const server = listen(app.fetch, {
    hostname: options.host ?? REPLICA_DEFAULTS.host,
    port: options.port ?? REPLICA_DEFAULTS.port,
  });
  const polling = poll(
    refresh,
    options.pollMs ?? REPLICA_DEFAULTS["poll-ms"],
    abort.signal,
    log,
  );
  let stopping: Promise<void> | undefined;
  const stop = () =>
    stopping ??= (async () => {
      abort.abort();
      await server.stop();
      await polling;
      await generations[Symbol.asyncDispose]();
      holder[Symbol.dispose]();
    })();
  return {
    url: server.url,
    holder,
    generations,
    get loadedSeq() {
      return loadedSeq;
    },
    refresh,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

async function poll(
  refresh: () => Promise<void>,
  everyMs: number,
  signal: AbortSignal,
  log: Logger,
): Promise<void> {
  while (!signal.aborted) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, everyMs);
      signal.addEventListener("abort", done, { once: true });
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      }
    });
    if (signal.aborted) return;
    try {
      await refresh();
    } catch (err) {
      // A snapshot pruned while being read, or a bundle that failed: the next poll retries.
      log.warn("replica_reload_failed", { error: err });
    }
  }
}
