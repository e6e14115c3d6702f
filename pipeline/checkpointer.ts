/**
 * Turns "this batch is in the index" into durable progress: it remembers the last applied
 * offset of every partition, takes a snapshot of the index every `everyEvents` events or
 * `intervalMs`, and only after the snapshot is durable commits those offsets to the source.
 * A crash therefore replays at most the events since the last snapshot, never loses one.
 * @module
 */
import type { Logger } from "../log.ts";
import type { Metrics } from "../metrics.ts";
import { SerialQueue } from "../serial.ts";
import type { MessagePosition } from "../types.ts";
import type { Clock } from "./clock.ts";
import { untilAborted } from "./until_aborted.ts";

/** Next offset to read, per topic and partition: `{ products: { "0": "42" } }`. */
export type PartitionOffsets = Record<string, Record<string, string>>;

/** What a checkpoint needs from the rest of the service. */
export interface CheckpointerDeps {
  /** Writes a durable snapshot holding at least every event before `offsets`. */
  snapshot(offsets: PartitionOffsets): Promise<void>;
  /** Commits positions (last processed offsets) to the source. */
  commit(positions: MessagePosition[]): Promise<void>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: Metrics;
}

/** When to checkpoint. */
export interface CheckpointerOptions {
  /** Checkpoint after this many applied events. @default 10000 */
  readonly everyEvents: number;
  /** Checkpoint this often while there is unsaved progress, in ms. @default 30000 */
  readonly intervalMs: number;
}

/** A checkpoint that keeps failing: the service is degraded, nothing is committed. */
export interface CheckpointFailure {
  /** The last error, as a sentence. */
  readonly error: string;
  /** When the first failure of this streak happened (clock ms). */
  readonly sinceMs: number;
  /** Failed attempts in this streak. */
  readonly attempts: number;
}

/** Retries after a failed checkpoint from `applied()` wait this long at most, ms. */
const MAX_RETRY_MS = 30_000;

/**
 * Snapshots, then commits, the progress the pipeline reports. A failed snapshot (disk
 * full, read-only data dir) commits nothing and does not stop ingestion: it is logged,
 * counted, reported by {@linkcode Checkpointer.failing}, and retried with backoff.
 */
export class Checkpointer {
  readonly #deps: CheckpointerDeps;
  readonly #options: CheckpointerOptions;
  readonly #applied = new Map<string, MessagePosition>();
  #pending = 0;
  readonly #serial = new SerialQueue();
  #lastSnapshotAt: number;
  #failing: CheckpointFailure | null = null;
  #retryAt = 0;
  #failedAt = 0;

  constructor(
    deps: CheckpointerDeps,
    options: CheckpointerOptions,
    initial: PartitionOffsets = {},
  ) {
    this.#deps = deps;
    this.#options = options;
    this.#lastSnapshotAt = deps.clock.now();
    for (const [topic, parts] of Object.entries(initial)) {
      for (const [partition, next] of Object.entries(parts)) {
        const position = {
          topic,
          partition: Number(partition),
          offset: String(BigInt(next) - 1n),
        };
        this.#applied.set(key(position), position);
      }
    }
  }

  /** Records a batch that is in the index; checkpoints when enough events have piled up. */
  async applied(
    positions: readonly MessagePosition[],
    events: number,
  ): Promise<void> {
    for (const p of positions) {
      const prev = this.#applied.get(key(p));
      if (!prev || BigInt(p.offset) > BigInt(prev.offset)) {
        this.#applied.set(key(p), p);
      }
    }
    this.#pending += events;
    const now = this.#deps.clock.now();
    // A wall clock set back since the failure must not postpone the retry by as much.
    const due = now >= this.#retryAt || now < this.#failedAt;
    if (this.#pending >= this.#options.everyEvents && due) {
      // A failure is recorded and retried later; ingestion goes on meanwhile.
      await this.checkpoint().catch(() => {});
    }
  }

  /** The current streak of failed checkpoints, or null when the last one succeeded. */
  get failing(): CheckpointFailure | null {
    return this.#failing;
  }

  /**
   * Forgets all progress (the index was replaced by an empty one that a rebuild fills
   * from the log start); call only while no batch is in flight.
   */
  reset(): void {
    this.#applied.clear();
    this.#pending = 0;
  }

  /** Events applied but not yet in a durable snapshot. */
  get pending(): number {
    return this.#pending;
  }

  /** Age of the last durable checkpoint, in ms. */
  get ageMs(): number {
    return this.#deps.clock.now() - this.#lastSnapshotAt;
  }

  /** Next offset to read per partition, as applied so far. */
  offsets(): PartitionOffsets {
    const out: PartitionOffsets = {};
    for (const p of this.#applied.values()) {
      (out[p.topic] ??= {})[String(p.partition)] = String(
        BigInt(p.offset) + 1n,
      );
    }
    return out;
  }

  /** Snapshots and commits what is applied now; runs one at a time. No-op without progress. */
  checkpoint(): Promise<void> {
    return this.#serial.run(() => this.#checkpointNow());
  }

  /** Checkpoints every `intervalMs` while there is progress, until `signal` aborts. */
  async runTimer(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const wait = this.#deps.clock.delay(this.#options.intervalMs);
      await untilAborted(wait.promise, signal);
      wait.cancel();
      if (signal.aborted) return;
      // A failure is logged and recorded by checkpoint(); the next tick retries, and the
      // events stay uncommitted meanwhile, so nothing is lost.
      await this.checkpoint().catch(() => {});
    }
  }

  /** Records a failed attempt: logged, counted, retried after a growing delay. */
  #failed(err: unknown, now: number): void {
    const attempts = (this.#failing?.attempts ?? 0) + 1;
    this.#failing = {
      error: err instanceof Error ? err.message : String(err),
      sinceMs: this.#failing?.sinceMs ?? now,
      attempts,
    };
    this.#failedAt = now;
    this.#retryAt = now + Math.min(MAX_RETRY_MS, 500 * 2 ** (attempts - 1));
    this.#deps.metrics.counter(
      "checkpoint_failures_total",
      "Checkpoints whose snapshot or commit failed (nothing was committed)",
    ).inc();
    this.#deps.log.error("checkpoint_failed", {
      error: err,
      attempts,
      pendingEvents: this.#pending,
      why: "nothing is committed until a snapshot succeeds; retrying",
    });
  }

  async #checkpointNow(): Promise<void> {
    if (this.#pending === 0) return;
    const pending = this.#pending;
    const offsets = this.offsets();
    const positions = [...this.#applied.values()];
    const started = this.#deps.clock.now();
    try {
      await this.#deps.snapshot(offsets);
      await this.#deps.commit(positions);
    } catch (err) {
      this.#failed(err, started);
      throw err;
    }
    if (this.#failing !== null) {
      this.#deps.log.info("checkpoint_recovered", {
        failedAttempts: this.#failing.attempts,
      });
    }
    this.#failing = null;
    this.#retryAt = 0;
    this.#pending -= pending;
    this.#lastSnapshotAt = this.#deps.clock.now();
    const durationMs = this.#lastSnapshotAt - started;
    this.#deps.metrics.counter(
      "checkpoints_total",
      "Durable snapshots followed by an offset commit",
    ).inc();
    this.#deps.metrics.histogram("checkpoint_ms", "Time to snapshot and commit")
      .observe(durationMs);
    this.#deps.log.info("checkpoint_done", {
      events: pending,
      offsets,
      durationMs,
    });
  }
}

function key(p: MessagePosition): string {
  return `${p.topic}\u0000${p.partition}`;
}
