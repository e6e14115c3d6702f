/**
 * Every index swap of the running service goes through here, one at a time:
 * compaction (by hand, or automatic when the share of stale slots passes a threshold)
 * and model upgrades. Reports its state for /stats.
 * @module
 */
import { compact, type IndexHolder } from "../index/mod.ts";
import type { Logger } from "../log.ts";
import type { Counter, Metrics } from "../metrics.ts";
import { ConflictError } from "../errors.ts";
import { SerialQueue } from "../serial.ts";
import { reindex, type ReindexDeps, type ReindexResult } from "./reindex.ts";

/** When to compact by itself. */
export interface AutoCompactOptions {
  /** Compact when staleRows / (size + staleRows) reaches this; 0 turns it off. @default 0.3 */
  readonly staleRatio: number;
  /** How often the ratio is checked, ms. @default 10000 */
  readonly checkMs: number;
  /** Smallest number of stale rows worth a rebuild. @default 1000 */
  readonly minStaleRows: number;
}

/** State of the last or current model upgrade, for /stats and the reindex tool. */
export type ReindexState =
  | { readonly state: "idle" }
  | {
    readonly state: "running";
    readonly modelDir: string;
    readonly startedAtMs: number;
  }
  | { readonly state: "done"; readonly result: ReindexResult }
  | {
    readonly state: "failed";
    readonly modelDir: string;
    readonly error: string;
  };

/** Serialises swaps and runs automatic compaction. */
export class Swaps {
  readonly #holder: IndexHolder;
  readonly #log: Logger;
  readonly #swaps: Counter;
  readonly #reindexDeps: ReindexDeps;
  readonly #notReady: () => string | null;
  readonly #queue = new SerialQueue();
  #reindex: ReindexState = { state: "idle" };
  #reindexRun: Promise<void> | null = null;
  readonly #abort = new AbortController();
  #reindexAbort = new AbortController();

  /** Swaps of `holder`'s index; model upgrades run with `reindex`. */
  constructor(deps: {
    holder: IndexHolder;
    log: Logger;
    /** Registry the swap counter is added to. */
    metrics: Metrics;
    reindex: ReindexDeps;
    /** Why a model upgrade cannot start now, or null when it can. */
    notReady: () => string | null;
  }) {
    this.#notReady = deps.notReady;
    this.#holder = deps.holder;
    this.#log = deps.log;
    this.#swaps = deps.metrics.counter(
      "index_swaps_total",
      "Index swaps, by reason",
    );
    this.#reindexDeps = deps.reindex;
  }

  /** The last or current model upgrade. */
  get reindexState(): ReindexState {
    return this.#reindex;
  }

  /** Index swaps so far, by reason (`compact_admin`, `compact_auto`, `model_upgrade`). */
  counts(): Record<string, number> {
    return this.#swaps.byLabel("reason");
  }

  /** Runs `fn` after every earlier swap has finished. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    return this.#queue.run(fn);
  }

  /** Compacts the live index now. */
  compact(reason: string): Promise<{ size: number }> {
    return this.#serial(async () => {
      const next = await compact(this.#holder, { log: this.#log });
      this.#swaps.inc({ reason: `compact_${reason}` });
      return { size: next.size };
    });
  }

  /**
   * Starts a model upgrade in the background; its progress shows in `reindexState`.
   * @throws {ConflictError} `reindex_running` when one is already running, `not_ready`
   * before the consumer has caught up (the HTTP layer answers both 409)
   */
  startReindex(
    modelDir: string,
    options: { force?: boolean } = {},
  ): ReindexState {
    if (this.#reindex.state === "running") {
      throw new ConflictError(
        "reindex_running",
        "A reindex is already running",
        { stage: "index" },
      );
    }
    const notReady = this.#notReady();
    if (notReady !== null) {
      throw new ConflictError("not_ready", notReady, { stage: "index" });
    }
    this.#reindex = { state: "running", modelDir, startedAtMs: Date.now() };
    this.#reindexAbort = new AbortController();
    const signal = AbortSignal.any([
      this.#abort.signal,
      this.#reindexAbort.signal,
    ]);
    this.#reindexRun = this.#serial(() =>
      reindex(this.#reindexDeps, modelDir, {
        signal,
        force: options.force === true,
      })
    )
      .then((result) => {
        this.#reindex = { state: "done", result };
        this.#swaps.inc({ reason: "model_upgrade" });
      }, (err: unknown) => {
        this.#reindex = { state: "failed", modelDir, error: String(err) };
        this.#log.error("reindex_failed", { modelDir, error: err });
      });
    return this.#reindex;
  }

  /**
   * Runs `fn` with no other swap running; a running reindex is cancelled first with
   * `reason` (its shadow index was built from a log that changed).
   */
  exclusive<T>(reason: string, fn: () => Promise<T>): Promise<T> {
    if (this.#reindex.state === "running") {
      this.#log.warn("reindex_cancelled", { why: reason });
      this.#reindexAbort.abort(new Error(`Reindex cancelled: ${reason}`));
    }
    return this.#serial(fn);
  }

  /** Aborts a running reindex (the live index and model stay). */
  abort(): void {
    this.#abort.abort(new Error("Service is stopping"));
  }

  /** Settles when the running reindex (if any) has finished. */
  async settled(): Promise<void> {
    await this.#reindexRun;
    await this.#queue.idle();
  }

  /** Checks the stale ratio every `checkMs` and compacts past the threshold. */
  async runAutoCompact(
    options: AutoCompactOptions,
    signal: AbortSignal,
  ): Promise<void> {
    if (options.staleRatio <= 0) return;
    while (!signal.aborted) {
      await sleep(options.checkMs, signal);
      const stats = this.#holder.current?.stats();
      if (
        signal.aborted || stats === undefined ||
        stats.staleRatio < options.staleRatio ||
        stats.staleRows < options.minStaleRows
      ) continue;
      try {
        await this.compact("auto");
      } catch (err) {
        // The next check tries again; the live index keeps serving meanwhile.
        this.#log.error("auto_compact_failed", { error: err });
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
