/**
 * Small numeric helpers shared by the bench stages: percentiles, timing, machine facts.
 * @module
 */

/** Latency summary in ms. */
export interface LatencySummary {
  readonly n: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** The q-quantile (0..1) of ascending-sorted values, nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.max(0, i)] ?? NaN;
}

/** p50/p90/p99/max/mean of `values` (ms), rounded to 0.01. */
export function summarize(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length);
  return {
    n: sorted.length,
    p50: round(quantile(sorted, 0.5)),
    p90: round(quantile(sorted, 0.9)),
    p99: round(quantile(sorted, 0.99)),
    max: round(sorted.at(-1) ?? NaN),
    mean: round(mean),
  };
}

/** Rounds to `digits` decimals. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Items per second for `count` items done in `ms`. */
export function perSecond(count: number, ms: number): number {
  return round(count / (ms / 1000), 1);
}

/**
 * Runs `fn` repeatedly for at least `minMs` (and `minRuns` times), returning the best and
 * median run time in ms: the best run is the least disturbed on a shared machine.
 */
export async function timeRuns(
  fn: () => unknown,
  options: { minMs: number; minRuns: number },
): Promise<{ bestMs: number; medianMs: number; runs: number }> {
  const times: number[] = [];
  const started = performance.now();
  while (
    times.length < options.minRuns ||
    performance.now() - started < options.minMs
  ) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return {
    bestMs: times[0] ?? NaN,
    medianMs: quantile(times, 0.5),
    runs: times.length,
  };
}

/** Machine facts recorded beside every result. */
export interface MachineInfo {
  readonly hostname: string;
  readonly os: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly loadAvg: readonly number[];
  readonly deno: string;
  readonly v8: string;
}

/** Describes this machine (CPU model from /proc/cpuinfo when readable). */
export function machineInfo(): MachineInfo {
  let cpuModel = "unknown";
  try {
    const info = Deno.readTextFileSync("/proc/cpuinfo");
    cpuModel = /model name\s*:\s*(.+)/.exec(info)?.[1]?.trim() ?? cpuModel;
  } catch {
    // Not Linux: the model name is only informative.
  }
  return {
    hostname: Deno.hostname(),
    os: `${Deno.build.os} ${Deno.osRelease()}`,
    cpus: navigator.hardwareConcurrency,
    cpuModel,
    memoryGiB: round(Deno.systemMemoryInfo().total / 2 ** 30, 1),
    loadAvg: Deno.loadavg().map((v) => round(v)),
    deno: Deno.version.deno,
    v8: Deno.version.v8,
  };
}

/** Resident set size of this process, in MiB. */
export function rssMiB(): number {
  return round(Deno.memoryUsage().rss / 2 ** 20, 1);
}
