/**
 * Follows a snapshot folder that another process writes (a read replica's index):
 * each {@linkcode SnapshotFollower.refresh} loads the newest snapshot when it is new,
 * beside the live index, and installs it with its model (loading the bundle the
 * snapshot records when the model version changed, else the fallback bundle), so index
 * and query encoder switch together. A snapshot of another Kafka log than the last one
 * (the ingest process rebuilt) is counted and logged.
 * @module
 */
import {
  createEncoders,
  type EncoderDevice,
  loadBundle,
} from "../encode/mod.ts";
import { listSnapshots, loadLatestSnapshot } from "../index/mod.ts";
import type { Logger } from "../log.ts";
import type { Counter, Metrics } from "../metrics.ts";
import type { Generation, Generations } from "./generations.ts";
import { type RecordedLog, recordedLog } from "./log_identity.ts";

/** Options of {@linkcode SnapshotFollower}. */
export interface SnapshotFollowerOptions {
  /** The snapshots folder followed. */
  readonly dir: string;
  /** The live model and index it installs into. */
  readonly generations: Generations;
  /** Bundle loaded when a snapshot of another model records no folder. */
  readonly fallbackModelDir: string;
  /** Encoder device of a newly loaded model. */
  readonly device: EncoderDevice;
  readonly log: Logger;
  /** Registry of `replica_reloads_total` and `log_rebuilds_total`. */
  readonly metrics: Metrics;
}

/** What /stats shows of the followed snapshots. */
export interface FollowedSnapshot {
  /** Sequence number of the loaded snapshot; -1 before the first. */
  readonly seq: number;
  /** Time since it was loaded, ms; null before the first. */
  readonly loadedAgeMs: number | null;
}

/** See the module doc. */
export class SnapshotFollower {
  readonly #o: SnapshotFollowerOptions;
  readonly #reloads: Counter;
  readonly #rebuilds: Counter;
  #seq = -1;
  #loadedAtMs = 0;
  #log: RecordedLog | null = null;

  /** Follows `options.dir`; nothing is loaded until the first refresh. */
  constructor(options: SnapshotFollowerOptions) {
    this.#o = options;
    this.#reloads = options.metrics.counter(
      "replica_reloads_total",
      "Snapshots swapped in",
    );
    this.#rebuilds = options.metrics.counter(
      "log_rebuilds_total",
      "Index rebuilds from the topic because the log changed, by reason",
    );
  }

  /** Sequence number of the loaded snapshot; -1 before the first. */
  get seq(): number {
    return this.#seq;
  }

  /** The Kafka log the loaded snapshot belongs to (null before one, or unrecorded). */
  get log(): RecordedLog | null {
    return this.#log;
  }

  /** The loaded snapshot, for /stats. */
  snapshot(): FollowedSnapshot {
    return {
      seq: this.#seq,
      loadedAgeMs: this.#loadedAtMs ? Date.now() - this.#loadedAtMs : null,
    };
  }

  /**
   * Loads and installs the newest snapshot if it is newer than the loaded one.
   * @throws when it or its bundle cannot be loaded (the live index stays)
   */
  async refresh(): Promise<void> {
    const { dir, generations, log } = this.#o;
    const newest = (await listSnapshots(dir))[0];
    if (newest === undefined || newest.seq === this.#seq) return;
    const loaded = await loadLatestSnapshot(dir, { log });
    if (loaded === null || loaded.manifest.seq === this.#seq) {
      loaded?.index[Symbol.dispose]();
      return;
    }
    try {
      const meta = loaded.manifest.meta as { modelDir?: string } | undefined;
      generations.install(
        await this.#modelFor(loaded.manifest.modelVersion, meta?.modelDir),
        loaded.index,
      );
    } catch (err) {
      loaded.index[Symbol.dispose]();
      throw err;
    }
    this.#noteLog(recordedLog(loaded.manifest.meta));
    this.#seq = loaded.manifest.seq;
    this.#loadedAtMs = Date.now();
    this.#reloads.inc();
    log.info("replica_reloaded", {
      seq: this.#seq,
      size: loaded.index.size,
      modelVersion: loaded.manifest.modelVersion,
    });
  }

  /** The live generation when it is of `version`, else the recorded (or fallback) bundle. */
  async #modelFor(
    version: string,
    recordedDir: string | undefined,
  ): Promise<Generation> {
    const { generations, device, log } = this.#o;
    if (version === generations.modelVersion) return generations.active;
    const bundle = await loadBundle(recordedDir ?? this.#o.fallbackModelDir);
    return { bundle, encoders: await createEncoders(bundle, { device, log }) };
  }

  /** The ingest process rebuilt from another log: the old index is replaced, and said so. */
  #noteLog(next: RecordedLog | null): void {
    const previous = this.#log;
    this.#log = next;
    if (previous === null || next === null) return;
    const reason = previous.clusterId !== next.clusterId
      ? "cluster_changed"
      : previous.topic !== next.topic
      ? "topic_changed"
      : previous.topicId !== next.topicId
      ? "topic_recreated"
      : null;
    if (reason === null) return;
    this.#rebuilds.inc({ reason });
    this.#o.log.warn("replica_log_changed", {
      reason,
      why:
        "the ingest process rebuilt its index from another Kafka log: the snapshot of the old log is replaced",
      from: previous,
      to: next,
    });
  }
}
