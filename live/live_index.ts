/**
 * The live index as one part: the serving index and its model generation, what it
 * covers of the log (per owned partition), recent deletes, the pause gate in front of
 * the pipeline, and its durable progress (snapshots, then commits). Ingest, model
 * upgrades, log rebuilds and /stats all act on the index through this object.
 * @module
 */
import type { IndexConfig, SnapshotConfig } from "../config.ts";
import {
  createUsearchIndex,
  IndexHolder,
  type VectorIndex,
} from "../index/mod.ts";
import type { Logger } from "../log.ts";
import type { Metrics } from "../metrics.ts";
import {
  Checkpointer,
  type PartitionOffsets,
  systemClock,
  TombstoneCache,
} from "../pipeline/mod.ts";
import type { MessagePosition } from "../types.ts";
import { type Generation, Generations } from "./generations.ts";
import { IngestGate, pollUntil } from "./ingest_gate.ts";
import type { RecordedLog } from "./log_identity.ts";
import type { OpenedIndex } from "./open_index.ts";
import { CoveredOffsets, partitionOf } from "./partitions.ts";
import { SnapshotWriter } from "./snapshot_writer.ts";
import type { ThumbnailStore } from "./thumbnails.ts";
import type { Searcher } from "../api/mod.ts";

/**
 * Delete versions remembered so a late, older upsert cannot bring a product back.
 * About 100 bytes each (id and version), so 100k is ~10 MB; it must exceed the deletes
 * that can arrive between two snapshots (SNAPSHOT_EVERY_EVENTS defaults to 10k).
 */
export const TOMBSTONE_CAPACITY = 100_000;

/**
 * How long a pause waits for the events already handed to the pipeline (a full
 * buffer, read-ahead and batch: under a thousand events, seconds at the measured
 * 80–100 products/s). Past it something is stuck: the rebuild or partition drop
 * fails loudly instead of holding ingestion forever.
 */
export const DRAIN_TIMEOUT_MS = 120_000;

/**
 * How long a replaced model and its index stay usable for queries encoded before a
 * swap: longer than the query encode deadline (5 s), so no such query fails.
 */
export const SWAP_GRACE_MS = 10_000;

/** Where snapshots go and when they are taken. */
export interface SnapshotSettings extends SnapshotConfig {
  /** The snapshots folder. */
  readonly dir: string;
  /** Extra manifest metadata (topic, group). */
  readonly meta: Readonly<Record<string, unknown>>;
}

/** Options of {@linkcode LiveIndex}. */
export interface LiveIndexOptions {
  /** The topic whose partitions the index covers. */
  readonly topic: string;
  /** What start-up opened: the index, the offsets it covers, recent deletes. */
  readonly opened: OpenedIndex;
  /** The model whose vectors the opened index holds. */
  readonly model: Generation;
  /** The Kafka log the opened index belongs to. */
  readonly belongs: RecordedLog;
  /** Parameters of an index built empty (after the log changed). */
  readonly index: IndexConfig;
  readonly snapshots: SnapshotSettings;
  /** Where durable progress is committed (the consumer group). */
  readonly committer: {
    commit(positions: MessagePosition[]): Promise<void>;
  };
  readonly log: Logger;
  readonly metrics: Metrics;
  /** @default SWAP_GRACE_MS */
  readonly graceMs?: number;
}

/** See the module doc. Disposing it disposes the encoders and the index. */
export class LiveIndex implements AsyncDisposable {
  /** The serving index reference (swapped by compaction, upgrades, rebuilds). */
  readonly holder: IndexHolder;
  /** The live model and its retiring predecessors. */
  readonly generations: Generations;
  /** Pauses the pipeline's input while a swap or rebuild needs it drained. */
  readonly gate = new IngestGate();
  /** Snapshots then commits what the pipeline applied. */
  readonly checkpointer: Checkpointer;
  /** Owned partitions and how far the index covers each. */
  readonly covered: CoveredOffsets;
  /** Versions of recent deletes, saved with every snapshot. */
  readonly tombstones: TombstoneCache;
  readonly #writer: SnapshotWriter;
  readonly #index: IndexConfig;
  readonly #log: Logger;
  #belongs: RecordedLog;

  /** Creates the parts around the opened index; nothing runs until ingestion starts. */
  constructor(o: LiveIndexOptions) {
    this.#log = o.log.child({ stage: "index" });
    this.#index = o.index;
    this.#belongs = o.belongs;
    this.holder = new IndexHolder({ initial: o.opened.index, log: this.#log });
    this.generations = new Generations({
      holder: this.holder,
      initial: o.model,
      log: this.#log,
      graceMs: o.graceMs ?? SWAP_GRACE_MS,
    });
    this.covered = new CoveredOffsets(o.topic, o.opened.offsets);
    this.tombstones = TombstoneCache.from(
      o.opened.tombstones,
      TOMBSTONE_CAPACITY,
    );
    this.#writer = new SnapshotWriter({
      holder: this.holder,
      generations: this.generations,
      dir: o.snapshots.dir,
      meta: o.snapshots.meta,
      belongsTo: () => this.#belongs,
      tombstones: this.tombstones,
      keep: o.snapshots.keep,
      log: this.#log,
    });
    this.checkpointer = new Checkpointer(
      {
        // What the index covers of owned partitions (the checkpointer never forgets one).
        snapshot: () => this.snapshot(),
        commit: (positions) => o.committer.commit(positions),
        clock: systemClock,
        log: o.log.child({ stage: "checkpoint" }),
        metrics: o.metrics,
      },
      o.snapshots,
      o.opened.offsets,
    );
  }

  /** The Kafka log the index belongs to (what snapshots record). */
  get belongs(): RecordedLog {
    return this.#belongs;
  }

  /** Products in the live index now. */
  get size(): number {
    return this.holder.current?.size ?? 0;
  }

  /** Next offset per partition of owned partitions that the index holds. */
  offsets(): PartitionOffsets {
    return this.covered.offsets();
  }

  /** Whether this process owns `partition` now. */
  owns(partition: number): boolean {
    return this.covered.owns(partition);
  }

  /** Partitions this process owns now. */
  owned(): readonly number[] {
    return this.covered.owned();
  }

  /** Whether every message handed to the pipeline is in the index. */
  drained(): boolean {
    return this.gate.drained(this.checkpointer.offsets());
  }

  /** A batch is in the index: record what it covers and checkpoint when due. */
  applied(positions: MessagePosition[], events: number): Promise<void> {
    this.covered.applied(positions);
    return this.checkpointer.applied(positions, events);
  }

  /** Writes a durable snapshot of what the index covers now. */
  snapshot(): Promise<void> {
    return this.#writer.write(this.covered.offsets());
  }

  /**
   * Pauses the pipeline's input and waits until what it handed out is applied;
   * returns the release.
   * @throws {Error} after {@linkcode DRAIN_TIMEOUT_MS}, naming `what` (nothing stays paused)
   */
  async pauseAndDrain(what: string): Promise<() => void> {
    const release = this.gate.pause();
    try {
      await pollUntil(() => this.drained(), {
        what,
        timeoutMs: DRAIN_TIMEOUT_MS,
      });
    } catch (err) {
      release();
      throw err;
    }
    return release;
  }

  /**
   * The log changed under the index (call it paused and drained): an empty index of
   * the live model replaces it, and what was covered, committed and deleted is
   * forgotten; from now on the index belongs to `log`.
   */
  async resetTo(log: RecordedLog): Promise<void> {
    const { manifest } = this.generations.active.bundle;
    await this.holder.replace(createUsearchIndex({
      dims: manifest.dims,
      modelVersion: manifest.version,
      ...this.#index,
    }));
    this.covered.reset();
    this.checkpointer.reset();
    this.tombstones.clear();
    this.gate.forget();
    this.#belongs = log;
  }

  /**
   * Removes the products of partitions taken away (`gone`, of `partitions` in all)
   * once their in-flight events are applied; a partition owned again meanwhile stays.
   */
  async dropPartitions(
    gone: readonly number[],
    partitions: number,
  ): Promise<void> {
    const release = await this.pauseAndDrain(
      "in-flight events of revoked partitions",
    );
    try {
      const live = this.holder.current;
      if (live === null) return;
      const drop = new Set(gone.filter((p) => !this.covered.owns(p)));
      const ids = [...live.ids()].filter((id) =>
        drop.has(partitionOf(id, partitions))
      );
      for (const id of ids) live.remove(id);
      this.#log.info("partitions_dropped", {
        partitions: [...drop],
        products: ids.length,
      });
    } finally {
      release();
    }
  }

  /**
   * A searcher over the live index (ready once an index is live and `ready()` holds)
   * that serves the thumbnails in `thumbs`.
   */
  searcher(ready: () => boolean, thumbs: ThumbnailStore): Searcher {
    return this.generations.searcher(
      () => this.holder.ready && ready(),
      thumbs,
    );
  }

  /** The thumbnail names the live records hold (null without an index). */
  thumbnails(): Set<string> | null {
    return thumbsOf(this.holder.current);
  }

  /** Disposes every model's encoders, then the index. */
  async [Symbol.asyncDispose](): Promise<void> {
    try {
      await this.generations[Symbol.asyncDispose]();
    } finally {
      this.holder[Symbol.dispose]();
    }
  }
}

function thumbsOf(index: VectorIndex | null): Set<string> | null {
  if (index === null) return null;
  const names = new Set<string>();
  for (const id of index.ids()) {
    const thumb = index.get(id)?.thumb;
    if (thumb) names.add(thumb);
  }
  return names;
}
