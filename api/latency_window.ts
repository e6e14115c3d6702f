/**
 * A fixed-size ring of recent latencies with exact percentiles, for GET /stats.
 * @module
 */

/** Percentiles over the most recent observations, in ms. */
export interface LatencySummary {
  /** Searches answered since start. */
  readonly count: number;
  /** How many recent searches the percentiles cover. */
  readonly window: number;
  /** Median latency in the window, ms. */
  readonly p50_ms: number | null;
  /** 95th percentile, ms. */
  readonly p95_ms: number | null;
  /** 99th percentile, ms. */
  readonly p99_ms: number | null;
  /** Slowest in the window, ms. */
  readonly max_ms: number | null;
}

/** Keeps the last `size` observations; memory is fixed at construction. */
export class LatencyWindow {
  readonly #values: Float64Array;
  #next = 0;
  #count = 0;

  /**
   * A window of the last `size` latencies.
   * @throws {RangeError} when `size` is not a positive integer
   */
  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(
        `Cannot create latency window: size must be a positive integer, got ${size}`,
      );
    }
    this.#values = new Float64Array(size);
  }

  /** Records one latency in ms. */
  add(ms: number): void {
    this.#values[this.#next] = ms;
    this.#next = (this.#next + 1) % this.#values.length;
    this.#count++;
  }

  /** Nearest-rank percentiles of the values in the window (null when empty). */
  summary(): LatencySummary {
    const n = Math.min(this.#count, this.#values.length);
    const sorted = this.#values.slice(0, n).sort();
    const rank = (q: number) =>
      n === 0 ? null : round(sorted[Math.min(n - 1, Math.ceil(q * n) - 1)]);
    return {
      count: this.#count,
      window: n,
      p50_ms: rank(0.5),
      p95_ms: rank(0.95),
      p99_ms: rank(0.99),
      max_ms: n === 0 ? null : round(sorted[n - 1]),
    };
  }
}

function round(v: number | undefined): number | null {
  return v === undefined ? null : Math.round(v * 1000) / 1000;
}
