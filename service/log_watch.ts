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
import type { KafkaSource, LogReader, LogState } from "../ingest/mod.ts";
import type { Logger } from "../log.ts";
import type { Metrics } from "../metrics.ts";
import { systemClock } from "../pipeline/mod.ts";
import type { LogMismatch, RecordedLog } from "./log_identity.ts";
import { confirmedMismatch, recordOf } from "./log_identity.ts";

/** What a rebuild replaces and resets. */
export interface RebuildDeps {
  readonly log: Logger;
  readonly metrics: Metrics;
  /** Runs `fn` with no other swap or reindex running. */
  exclusive(reason: string, fn: () => Promise<void>): Promise<void>;
  /** Pauses live ingestion and waits until every message handed out is applied. */
  pauseAndDrain(): Promise<() => void>;
  /** Installs an empty index of the live model. */
  installEmptyIndex(): Promise<void>;
  /** Forgets covered offsets, checkpoint progress, delete versions, handed-out messages. */
  forgetProgress(): void;
  /** Next offset per partition the index covers. */
  covered(): Readonly<Record<string, string>>;
  /** Partitions the consumer owns now. */
  owned(): readonly number[];
  source(): KafkaSource | null;
  /** /readyz turns 503 until caught up again. */
  unready(): void;
  /** Writes a snapshot of the (empty) index naming the new log. */
  snapshot(): Promise<void>;
}

/** Options of {@linkcode LogWatch}. */
export interface LogWatchOptions {
  readonly reader: LogReader;
  readonly topic: string;
  /** The log the index at start belongs to. */
  readonly initial: RecordedLog;
  /** How often the log is checked, ms. */
  readonly intervalMs: number;
  readonly rebuild: RebuildDeps;
}

/** See the module doc. */
export class LogWatch implements AsyncDisposable {
  readonly #o: LogWatchOptions;
  #belongs: RecordedLog;
  #missingSince: number | null = null;
  #wake = Promise.withResolvers<void>();
  #loop: Promise<void> | null = null;
  readonly #stop = new AbortController();
  #last: { reason: string; detail: string; atMs: number } | null = null;
  #failedChecks = 0;
  /** Covered offset per partition when Kafka reset its fetch position, not yet checked. */
  #resets = new Map<number, string>();

  constructor(options: LogWatchOptions) {
    this.#o = options;
    this.#belongs = options.initial;
  }

  /** The log the live index belongs to (what snapshots record). */
  get belongs(): RecordedLog {
    return this.#belongs;
  }

  /** For /stats: the log, rebuilds by reason, the last one. */
  stats(): Record<string, unknown> {
    const rebuilds = Object.fromEntries(
      this.#o.rebuild.metrics.series("log_rebuilds_total").map((
        [labels, v],
      ) => [labels.reason ?? "", v]),
    );
    return { ...this.#belongs, rebuilds, lastRebuild: this.#last };
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
    const next = this.#o.rebuild.covered()[String(partition)];
    if (next !== undefined && !this.#resets.has(partition)) {
      this.#resets.set(partition, next);
    }
    this.checkSoon();
  }

  /** One check now; rebuilds on a mismatch. Returns the mismatch, if any. */
  async check(): Promise<LogMismatch | null> {
    const resets = this.#resets;
    this.#resets = new Map();
    let found;
    try {
      found = await confirmedMismatch(
        this.#belongs,
        () => this.#covered(resets),
        () => this.#o.reader.read(this.#o.topic),
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

  /** Covered offsets, with the one each partition had when Kafka reset its position. */
  #covered(
    resets: ReadonlyMap<number, string>,
  ): Readonly<Record<string, string>> {
    const covered = { ...this.#o.rebuild.covered() };
    for (const [p, next] of resets) {
      if (covered[String(p)] !== undefined) covered[String(p)] = next;
    }
    return covered;
  }

  #topicMissing(): void {
    if (this.#missingSince !== null) return;
    this.#missingSince = Date.now();
    this.#o.rebuild.log.warn("topic_missing", {
      topic: this.#o.topic,
      why:
        "the topic does not exist (deleted?): the index is kept and served until the topic is back",
    });
  }

  async #rebuild(mismatch: LogMismatch, state: LogState): Promise<void> {
    const r = this.#o.rebuild;
    r.log.warn("log_changed", {
      reason: mismatch.reason,
      why: `${mismatch.detail}: rebuilding the index from the topic`,
      from: this.#belongs,
      to: recordOf(state),
    });
    r.metrics.counter(
      "log_rebuilds_total",
      "Index rebuilds from the topic because the log changed, by reason",
    ).inc({ reason: mismatch.reason });
    this.#last = { ...mismatch, atMs: Date.now() };
    await r.exclusive(mismatch.detail, async () => {
      const release = await r.pauseAndDrain();
      try {
        await r.installEmptyIndex();
        r.forgetProgress();
        this.#resets.clear();
        this.#belongs = recordOf(state);
        const starts = new Map(
          state.partitions.map((p) => [p.partition, p.low]),
        );
        const offsets: Record<number, string> = {};
        for (const p of r.owned()) offsets[p] = starts.get(p) ?? "0";
        r.source()?.rewind(offsets);
        r.unready();
      } finally {
        release();
      }
    });
    try {
      await r.snapshot();
    } catch (err) {
      // The next checkpoint writes one; until then a restart rejects the old snapshot again.
      r.log.error("rebuild_snapshot_failed", { error: err });
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
          this.#o.rebuild.log.info("log_check_recovered", {
            failedChecks: this.#failedChecks,
          });
        }
        this.#failedChecks = 0;
      } catch (err) {
        if (signal.aborted) return;
        // One warning per streak (a broker outage would repeat it every interval).
        const level = this.#failedChecks++ === 0 ? "warn" : "debug";
        this.#o.rebuild.log[level]("log_check_failed", {
          error: err,
          why: "the index is kept; the check is tried again",
        });
      }
      const wait = systemClock.delay(this.#o.intervalMs);
      await Promise.race([this.#wake.promise, wait.promise]);
      wait.cancel();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#stop.abort();
    this.#wake.resolve();
    await this.#loop;
  }
}
