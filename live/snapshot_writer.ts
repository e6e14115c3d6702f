/**
 * The one writer of the snapshot folder: periodic checkpoints and the snapshot after a
 * model upgrade queue here, one at a time. Each snapshot records the Kafka log it belongs
 * to (cluster id, topic, topic id), the offsets it covers and the bundle folder of its
 * model (read replicas load that bundle).
 * @module
 */
import { type IndexHolder, saveSnapshot } from "../index/mod.ts";
import type { Logger } from "../log.ts";
import type { PartitionOffsets, TombstoneCache } from "../pipeline/mod.ts";
import { SerialQueue } from "../serial.ts";
import type { Generations } from "./generations.ts";
import type { RecordedLog } from "./log_identity.ts";

/** Options of {@linkcode SnapshotWriter}. */
export interface SnapshotWriterOptions {
  readonly holder: IndexHolder;
  readonly generations: Generations;
  readonly dir: string;
  /** Extra manifest metadata (topic, group). */
  readonly meta: Readonly<Record<string, unknown>>;
  /** The Kafka log the live index belongs to, recorded as `meta.log`. */
  readonly belongsTo: () => RecordedLog;
  /** Versions of recent deletes, saved so a restart still ignores late, older upserts. */
  readonly tombstones: TombstoneCache;
  readonly keep: number;
  readonly log: Logger;
}

/** Serialised snapshot writes of the live index. */
export class SnapshotWriter {
  readonly #o: SnapshotWriterOptions;
  readonly #serial = new SerialQueue();

  constructor(options: SnapshotWriterOptions) {
    this.#o = options;
  }

  /**
   * Snapshots the live index; it holds at least every event before `offsets` (a write
   * queued behind another captures the index later, which only adds events).
   */
  write(offsets: PartitionOffsets): Promise<void> {
    return this.#serial.run(() => this.#write(offsets));
  }

  async #write(offsets: PartitionOffsets): Promise<void> {
    const { holder, generations } = this.#o;
    const live = holder.current;
    if (live === null) throw new Error("Cannot snapshot: no live index");
    // Index and generation change together in one synchronous step; read both now.
    const modelDir = generations.active.bundle.dir;
    await saveSnapshot(live, this.#o.dir, {
      meta: {
        ...this.#o.meta,
        log: this.#o.belongsTo(),
        offsets,
        modelDir,
        tombstones: this.#o.tombstones.entries(),
      },
      keep: this.#o.keep,
      log: this.#o.log,
    });
  }
}
