/**
 * The periodic stats log line: one info-level `stats` event every `intervalMs` with
 * what an operator scans a log for (index size, consumed, events/s since the last line,
 * consumer lag, last event age) and a summary of recent search latency.
 * @module
 */
import type { Logger } from "../log.ts";
import type { LatencySummary } from "../api/mod.ts";

/** Options of {@linkcode startStatsLog}. */
export interface StatsLogOptions {
  /** Period in ms; 0 writes no line (tick() still works). */
  readonly intervalMs: number;
  readonly log: Logger;
  /** Current figures: indexed, consumed, consumer lag, last event age. */
  readonly figures: () => {
    indexed: number;
    consumed: number;
    lag: number | null;
    lastEventAgeMs: number | null;
  };
  /** Recent search latency. */
  readonly latency: () => LatencySummary;
  /** Monotonic clock, ms. @default performance.now */
  readonly now?: () => number;
}

/** A running stats line; `tick()` writes one now. */
export interface StatsLog {
  tick(): void;
  stop(): void;
}

/** Starts the timer (unless `intervalMs` is 0). */
export function startStatsLog(options: StatsLogOptions): StatsLog {
  const now = options.now ?? (() => performance.now());
  let last = { at: now(), consumed: options.figures().consumed };
  const tick = () => {
    const figures = options.figures();
    const at = now();
    const seconds = (at - last.at) / 1000;
    const rate = seconds > 0 ? (figures.consumed - last.consumed) / seconds : 0;
    last = { at, consumed: figures.consumed };
    const { count, p50_ms, p95_ms, p99_ms, max_ms } = options.latency();
    options.log.info("stats", {
      ...figures,
      eventsPerSec: Math.round(rate * 10) / 10,
      search: { count, p50_ms, p95_ms, p99_ms, max_ms },
    });
  };
  const timer = options.intervalMs > 0
    ? setInterval(tick, options.intervalMs)
    : undefined;
  return { tick, stop: () => clearInterval(timer) };
}
