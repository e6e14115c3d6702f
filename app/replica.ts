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
  SnapshotFollower,
  thumbnailDir,
  ThumbnailStore,
} from "../live/mod.ts";
import {
  createEncoders,
  type EncoderDevice,
  loadBundle,
} from "../encode/mod.ts";
import { IndexHolder } from "../index/mod.ts";
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
  const follower = new SnapshotFollower({
    dir: options.snapshotsDir,
    generations,
    fallbackModelDir: fallbackDir,
    device,
    log,
    metrics,
  });
  const refresh = () => follower.refresh();
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
      snapshot: follower.snapshot(),
      log: follower.log,
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
      return follower.seq;
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
