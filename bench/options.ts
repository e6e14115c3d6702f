/**
 * Command line of `deno task bench`: mode (tiny, quick, default, soak), stage selection
 * and where results go, resolved into the sizes every stage uses.
 * @module
 */

/** The stages, in run order. */
export const STAGES = [
  "limits",
  "pipeline",
  "ingest",
  "index",
  "sweep",
  "scale",
  "replicas",
  "search",
  "devices",
] as const;
/** One stage name. */
export type StageName = typeof STAGES[number];

/** The usage line of `deno task bench`. */
export const BENCH_USAGE =
  `Usage: deno task bench [--quick | --tiny | --soak] [--soak-seconds N] [--only ${
    STAGES.join(",")
  }] [--dataset DIR]... [--scale 10k|100k|1m] [--out DIR] [--docs]
Runs the benchmarks (needs wrk for the HTTP stage) and writes bench-results/; --docs also
regenerates the tables of docs/BENCHMARKS.md. --dataset adds a catalogue folder
(products.jsonl + images, e.g. ../shared/datasets/grocery) to the parameter sweep, encoded
with the shipped model; --scale sets the largest size of the scale stage and, without
--only, runs the sweep and scale stages alone.`;

/** Resolved options of one bench run. */
export interface BenchOptions {
  readonly mode: "tiny" | "quick" | "default" | "soak";
  readonly only: ReadonlySet<StageName>;
  readonly outDir: string;
  /** Rewrite docs/BENCHMARKS.md (a tracked file) from the results; off unless `--docs`. */
  readonly docs: boolean;
  readonly catalogProducts: number;
  readonly imageSize: number;
  readonly batchSize: number;
  /** Rounds of the pipeline A/B (each variant once per round). */
  readonly abRounds: number;
  readonly deviceItems: number;
  readonly freshnessSeconds: number;
  readonly soakSeconds: number;
  readonly indexN: number;
  readonly settingsN: number;
  readonly queries: number;
  /** Extra index size for the HTTP bench besides `indexN` (0: none). */
  readonly searchExtraN: number;
  readonly searchSeconds: number;
  readonly connections: readonly number[];
  /** Catalogue folders whose embeddings join the parameter sweep. */
  readonly datasets: readonly string[];
  /** Synthetic vectors of the sweep. */
  readonly sweepN: number;
  /** Queries per data set in the sweep. */
  readonly sweepQueries: number;
  /** Index sizes of the scale stage, ascending. */
  readonly scaleSizes: readonly number[];
}

const MODES = {
  tiny: {
    abRounds: 1,
    catalogProducts: 40,
    imageSize: 128,
    deviceItems: 32,
    freshnessSeconds: 2,
    soakSeconds: 3,
    indexN: 2000,
    settingsN: 1000,
    queries: 50,
    searchExtraN: 0,
    searchSeconds: 1,
    connections: [1, 4],
    sweepN: 2000,
    sweepQueries: 50,
    scaleSizes: [2000],
  },
  quick: {
    abRounds: 2,
    catalogProducts: 600,
    imageSize: 224,
    deviceItems: 256,
    freshnessSeconds: 10,
    soakSeconds: 20,
    indexN: 20_000,
    settingsN: 10_000,
    queries: 200,
    searchExtraN: 10_000,
    searchSeconds: 4,
    connections: [1, 8],
    sweepN: 20_000,
    sweepQueries: 200,
    scaleSizes: [10_000, 100_000],
  },
  default: {
    abRounds: 3,
    catalogProducts: 2000,
    imageSize: 224,
    deviceItems: 512,
    freshnessSeconds: 20,
    soakSeconds: 60,
    indexN: 100_000,
    settingsN: 20_000,
    queries: 300,
    searchExtraN: 10_000,
    searchSeconds: 6,
    connections: [1, 8],
    sweepN: 100_000,
    sweepQueries: 500,
    scaleSizes: [10_000, 100_000],
  },
} as const;

/** `--scale` sizes: each runs the sizes up to it. */
const SCALES: Record<string, number> = {
  "10k": 10_000,
  "100k": 100_000,
  "1m": 1_000_000,
};

/**
 * Parses `[--quick | --tiny | --soak] [--soak-seconds N] [--only a,b] [--dataset DIR]...
 * [--scale 10k|100k|1m] [--out DIR] [--docs]`
 * (`--no-docs`, the old opt-out, is still accepted and changes nothing).
 * @throws {RangeError} on an unknown flag or stage
 */
export function parseArgs(args: readonly string[]): BenchOptions {
  let mode: BenchOptions["mode"] = "default";
  let only: StageName[] = [...STAGES];
  let outDir = "bench-results";
  let docs = false;
  let soakSeconds: number | undefined;
  let onlyGiven = false;
  let scale: number | undefined;
  const datasets: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--quick" || a === "--tiny" || a === "--soak") {
      mode = a.slice(2) as BenchOptions["mode"];
    } else if (a === "--docs") docs = true;
    else if (a === "--no-docs") docs = false;
    else if (a === "--soak-seconds") soakSeconds = positive(args[++i], a);
    else if (a === "--out") outDir = args[++i] ?? outDir;
    else if (a === "--only") {
      only = stageList(args[++i] ?? "");
      onlyGiven = true;
    } else if (a === "--dataset") datasets.push(required(args[++i], a));
    else if (a === "--scale") scale = scaleOf(args[++i]);
    else throw new RangeError(`Cannot run bench: unknown argument "${a}"`);
  }
  const sizes = MODES[mode === "soak" ? "default" : mode];
  if (scale !== undefined && !onlyGiven) only = ["sweep", "scale"];
  return {
    mode,
    only: new Set(only),
    outDir,
    docs,
    batchSize: 32,
    ...sizes,
    soakSeconds: soakSeconds ?? (mode === "soak" ? 600 : sizes.soakSeconds),
    datasets,
    scaleSizes: scale === undefined
      ? sizes.scaleSizes
      : Object.values(SCALES).filter((n) => n <= scale),
  };
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === "" || value.startsWith("--")) {
    throw new RangeError(`Cannot run bench: ${flag} takes a folder`);
  }
  return value;
}

function scaleOf(value: string | undefined): number {
  const n = SCALES[String(value).toLowerCase()];
  if (n === undefined) {
    throw new RangeError(
      `Cannot run bench: --scale takes one of ${
        Object.keys(SCALES).join(", ")
      }: got "${value}"`,
    );
  }
  return n;
}

function positive(value: string | undefined, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(
      `Cannot run bench: ${flag} takes a positive integer: got "${value}"`,
    );
  }
  return n;
}

function stageList(value: string): StageName[] {
  const names = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const bad = names.filter((n) => !(STAGES as readonly string[]).includes(n));
  if (names.length === 0 || bad.length > 0) {
    throw new RangeError(
      `Cannot run bench: --only takes stages among ${
        STAGES.join(", ")
      }: got "${value}"`,
    );
  }
  return names as StageName[];
}
