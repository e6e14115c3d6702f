/**
 * Keeps the live index tied to the log it was built from. Every `intervalMs`, at once
 * after every partition assignment and at once when Kafka reset a partition's fetch
 * position (its next offset was deleted), it reads the cluster id, topic id and log
 * start/end offsets and compares them with what the index covers (see
 * {@linkcode logMismatch}). On a mismatch it rebuilds: live ingestion pauses and drains,
 * an empty index replaces the live one, what was covered and committed is forgotten, the
 * owned partitions are read again from their log start, /readyz turns 503 until the
 * index has caught up, and a snapshot naming the new log is written. A running model
 * upgrade is cancelled (its shadow was replayed from the old log).
 * @module
 */
import type { LogReader, LogState } from "../ingest/mod.ts";
import type { Logger } from "../log.ts";
import type { Counter, Metrics } from "../metrics.ts";
import { type PartitionOffsets, systemClock } from "../pipeline/mod.ts";
import type { LogMismatch, RecordedLog } from "./log_identity.ts";
import { confirmedMismatch, recordOf } from "./log_identity.ts";

/** What a rebuild acts on: the live index (a `LiveIndex`). */
export interface RebuildTarget {
  /** The log the index belongs to now. */
  readonly belongs: RecordedLog;
  /** Next offset per partition the index covers. */
  offsets(): PartitionOffsets;
  /** Partitions the consumer owns now. */
  owned(): readonly number[];
  /** Pauses live ingestion and waits until every message handed out is applied. */
  pauseAndDrain(what: string): Promise<() => void>;
  /** Installs an empty index and forgets all progress; it then belongs to `log`. */
  resetTo(log: RecordedLog): Promise<void>;
  /** Writes a snapshot of the (empty) index naming the new log. */
  snapshot(): Promise<void>;
}

/** Options of {@linkcode LogWatch}. */
export interface LogWatchOptions {
  readonly reader: LogReader;
  readonly topic: string;
  /** How often the log is checked, ms. */
  readonly intervalMs: number;
  readonly log: Logger;
  /** Registry of the rebuild counter. */
  readonly metrics: Metrics;
  /** The live index kept tied to the log. */
  readonly live: RebuildTarget;
  /** Index swaps: a rebuild runs with no other swap (a running upgrade is cancelled). */
  readonly swaps: {
    exclusive(reason: string, fn: () => Promise<void>): Promise<void>;
  };
  /** The live consumer, rewound to the log start of owned partitions. */
  readonly consumer: {
    rewind(offsets: Readonly<Record<number, string>>): void;
  };
  /** /readyz turns 503 until the rebuilt index has caught up. */
  readonly readiness: { reset(): void };
  /** Why start-up set the newest snapshot aside, counted as a rebuild. */
  readonly rejectedAtStart?: LogMismatch | null;
}

/** The log the index belongs to and its rebuilds, as /stats shows them. */
export interface LogStats extends RecordedLog {
  /** Rebuilds so far, by reason (a snapshot set aside at start-up counts). */
  readonly rebuilds: Record<string, number>;
  /** The last rebuild of this run, or null. */
  readonly lastRebuild:
    | {
      readonly reason: string;
      readonly detail: string;
      readonly atMs: number;
    }
    | null;
}

/** See the module doc. */
export class LogWatch implements AsyncDisposable {
  readonly #o: LogWatchOptions;
  readonly #rebuilds: Counter;
  #missingSince: number | null = null;
  #wake = Promise.withResolvers<void>();
  #loop: Promise<void> | null = null;
  readonly #stop = new AbortController();
  #last: { reason: string; detail: string; atMs: number } | null = null;
  #failedChecks = 0;
  /** Covered offset per partition when Kafka reset its fetch position, not yet checked. */
  #resets = new Map<number, string>();

  /** Creates the watch; it checks nothing until {@linkcode LogWatch.start}. */
  constructor(options: LogWatchOptions) {
    this.#o = options;
    this.#rebuilds = options.metrics.counter(
      "log_rebuilds_total",
      "Index rebuilds from the topic because the log changed, by reason",
    );
    const rejected = options.rejectedAtStart;
    if (rejected) this.#rebuilds.inc({ reason: rejected.reason });
  }

  /** For /stats: the log, rebuilds by reason, the last one. */
  stats(): LogStats {
    return {
      ...this.#o.live.belongs,
      rebuilds: this.#rebuilds.byLabel("reason"),
      lastRebuild: this.#last,
    };
  }

  /** Starts the periodic check. */
  start(): void {
    this.#loop ??= this.#run();
  }

  /** Checks as soon as possible (after a partition assignment). */
  checkSoon(): void {
    this.#wake.resolve();
  }

  /**
   * Kafka moved `partition`'s fetch position to its log start because the next offset
   * was gone. The consumer reads on from there at once, so the covered offset is taken
   * now: the check that follows compares it, not a later one, with the log start.
   */
  offsetReset(partition: number): void {
    const next = this.#coveredNow()[String(partition)];
    if (next !== undefined && !this.#resets.has(partition)) {
      this.#resets.set(partition, next);
    }
    this.checkSoon();
  }

  /** One check now; rebuilds on a mismatch. Returns the mismatch, if any. */
  async check(): Promise<LogMismatch | null> {
    const { live, topic } = this.#o;
    const resets = this.#resets;
    this.#resets = new Map();
    let found;
    try {
      found = await confirmedMismatch(
        live.belongs,
        () => this.#covered(resets),
        () => this.#o.reader.read(topic),
      );
    } catch (err) {
      for (const [p, next] of resets) {
        if (!this.#resets.has(p)) this.#resets.set(p, next);
      }
      throw err;
    }
    const { mismatch, state } = found;
    if (!state.exists) {
      this.#topicMissing();
      return null;
    }
    this.#missingSince = null;
    if (mismatch !== null) await this.#rebuild(mismatch, state);
    return mismatch;
  }

  /** What the live index covers of this topic now, by partition. */
  #coveredNow(): Readonly<Record<string, string>> {
    return this.#o.live.offsets()[this.#o.topic] ?? {};
  }

  /** Covered offsets, with the one each partition had when Kafka reset its position. */
  #covered(
    resets: ReadonlyMap<number, string>,
  ): Readonly<Record<string, string>> {
    const covered = { ...this.#coveredNow() };
    for (const [p, next] of resets) {
      if (covered[String(p)] !== undefined) covered[String(p)] = next;
    }
    return covered;
  }

  #topicMissing(): void {
    if (this.#missingSince !== null) return;
    this.#missingSince = Date.now();
    this.#o.log.warn("topic_missing", {
      topic: this.#o.topic,
      why:
        "the topic does not exist (deleted?): the index is kept and served until the topic is back",
    });
  }

  async #rebuild(mismatch: LogMismatch, state: LogState): Promise<void> {
    const { log, live } = this.#o;
    log.warn("log_changed", {
      reason: mismatch.reason,
      why: `${mismatch.detail}: rebuilding the index from the topic`,
      from: live.belongs,
      to: recordOf(state),
    });
    this.#rebuilds.inc({ reason: mismatch.reason });
    this.#last = { ...mismatch, atMs: Date.now() };
    await this.#o.swaps.exclusive(mismatch.detail, async () => {
      const release = await live.pauseAndDrain(
        "in-flight events before a rebuild",
      );
      try {
        await live.resetTo(recordOf(state));
        this.#resets.clear();
        const starts = new Map(
          state.partitions.map((p) => [p.partition, p.low]),
        );
        const offsets: Record<number, string> = {};
        for (const p of live.owned()) offsets[p] = starts.get(p) ?? "0";
        this.#o.consumer.rewind(offsets);
        this.#o.readiness.reset();
      } finally {
        release();
      }
    });
    try {
      await live.snapshot();
    } catch (err) {
      // The next checkpoint writes one; until then a restart rejects the old snapshot again.
      log.error("rebuild_snapshot_failed", { error: err });
    }
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      // Replaced before the check, so a checkSoon() during it is not lost.
      this.#wake = Promise.withResolvers<void>();
      try {
        await this.check();
        if (this.#failedChecks > 0) {
          this.#o.log.info("log_check_recovered", {
            failedChecks: this.#failedChecks,
          });
        }
        this.#failedChecks = 0;
      } catch (err) {
        if (signal.aborted) return;
        // One warning per streak (a broker outage would repeat it every interval).
        const level = this.#failedChecks++ === 0 ? "warn" : "debug";
        this.#o.log[level]("log_check_failed", {
          error: err,
          why: "the index is kept; the check is tried again",
        });
      }
      const wait = systemClock.delay(this.#o.intervalMs);
      await Promise.race([this.#wake.promise, wait.promise]);
      wait.cancel();
    }
  }

  /** Stops checking and waits for a check or rebuild in progress. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.#stop.abort();
    this.#wake.resolve();
    await this.#loop;
  }
}
