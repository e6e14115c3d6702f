/**
 * Measures recall@10, QPS and build time of USearch settings against exact search.
 *
 * `deno run -A index/recall_sweep.ts [--n 100000] [--dims 64] [--queries 500]
 *   [--data clustered|mixed|random|both] [--churn 0.5] [--settings 16/128/128/f32,…]
 *   [--ef 64,256,512] [--threads 1]`
 *
 * Prints one JSON line per (data set, setting). `--churn f` also replaces a fraction f
 * of the products (half re-embedded, half deleted and re-added under new ids) through
 * the real upsert path and measures again.
 * @module
 */

import { createBruteForceIndex, createUsearchIndex } from "./mod.ts";
import type { UsearchIndexOptions, VectorIndex } from "./vector_index.ts";
import { clusteredVectors, randomVectors, record } from "./_test_util.ts";

/** One setting to measure. */
export type Setting = Pick<
  UsearchIndexOptions,
  "connectivity" | "expansionAdd" | "expansionSearch" | "quantization"
>;

/**
 * Recall@10 of `index` against `exact` over `queries`, and the index's single-query QPS.
 * With `ef` the index is asked for `ef` hits and the best 10 are kept: USearch searches
 * with max(expansionSearch, wanted), so this measures expansionSearch = ef on one graph.
 */
export function measure(
  index: VectorIndex,
  exact: VectorIndex,
  queries: readonly Float32Array[],
  ef = 10,
): { recall: number; qps: number; p99Ms: number } {
  const k = 10;
  let found = 0;
  const times: number[] = [];
  for (const q of queries) {
    const t0 = performance.now();
    const got = index.search(q, { k: Math.max(k, ef) }).slice(0, k);
    times.push(performance.now() - t0);
    const want = new Set(exact.search(q, { k }).map((h) => h.id));
    found += got.filter((h) => want.has(h.id)).length;
  }
  times.sort((a, b) => a - b);
  const total = times.reduce((s, t) => s + t, 0);
  return {
    recall: found / (queries.length * k),
    qps: queries.length / (total / 1000),
    p99Ms: times[Math.floor(times.length * 0.99)] ?? NaN,
  };
}

function dataset(kind: string, n: number, dims: number): Float32Array[] {
  if (kind === "random") return randomVectors(n, dims, 11);
  const mixed = kind === "mixed";
  return clusteredVectors(n, dims, {
    seed: 11,
    clusters: mixed ? 2000 : 200,
    spread: mixed ? 0.7 : 0.35,
  });
}

let threads = 1;

function build(setting: Setting | null, vectors: Float32Array[], dims: number) {
  const options = {
    bulkThreads: threads,
    dims,
    modelVersion: "sweep",
    initialCapacity: vectors.length,
  };
  const index = setting === null
    ? createBruteForceIndex(options)
    : createUsearchIndex({ ...options, ...setting });
  const t0 = performance.now();
  const batch = 10_000;
  for (let i = 0; i < vectors.length; i += batch) {
    index.upsertMany(
      vectors.slice(i, i + batch).map((vector, j) => ({
        record: record(i + j),
        vector,
      })),
    );
  }
  return { index, buildMs: performance.now() - t0 };
}

function churn(
  indexes: VectorIndex[],
  fraction: number,
  dims: number,
  n: number,
) {
  const count = Math.floor(n * fraction);
  const fresh = randomVectors(count, dims, 4242);
  for (let i = 0; i < count; i++) {
    const v = fresh[i] as Float32Array;
    for (const index of indexes) {
      if (i % 2 === 0) index.upsert(record(i * 2), v);
      else {
        index.remove(`p${i * 2}`);
        index.upsert(record(n + i), v);
      }
    }
  }
}

/** `--settings M/efAdd/efSearch/quant,…`, e.g. `16/128/128/f32,32/200/256/i8`. */
function parseSettings(text: string): Setting[] {
  return text.split(",").map((part) => {
    const [m, add, search, q] = part.split("/");
    return {
      connectivity: Number(m),
      expansionAdd: Number(add),
      expansionSearch: Number(search),
      quantization: (q ?? "f32") as Setting["quantization"],
    };
  });
}

const DEFAULT_SETTINGS: Setting[] = [
  {
    connectivity: 16,
    expansionAdd: 128,
    expansionSearch: 64,
    quantization: "f32",
  },
  {
    connectivity: 16,
    expansionAdd: 128,
    expansionSearch: 128,
    quantization: "f32",
  },
  {
    connectivity: 32,
    expansionAdd: 200,
    expansionSearch: 128,
    quantization: "f32",
  },
  {
    connectivity: 16,
    expansionAdd: 128,
    expansionSearch: 128,
    quantization: "f16",
  },
  {
    connectivity: 16,
    expansionAdd: 128,
    expansionSearch: 128,
    quantization: "i8",
  },
];

function arg(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] ?? fallback : fallback;
}

function main(): void {
  const n = Number(arg("n", "10000"));
  const dims = Number(arg("dims", "64"));
  const nq = Number(arg("queries", "500"));
  const churnFraction = Number(arg("churn", "0"));
  const only = arg("data", "both");
  const settings = Deno.args.includes("--settings")
    ? parseSettings(arg("settings", ""))
    : DEFAULT_SETTINGS;
  threads = Number(arg("threads", "1"));
  const efs = Deno.args.includes("--ef")
    ? arg("ef", "").split(",").map(Number)
    : [];
  const kinds = only === "both" ? ["clustered", "random"] : [only];
  for (const kind of kinds) {
    const vectors = dataset(kind, n, dims);
    const queries = dataset(kind, n + nq, dims).slice(n);
    const shared = build(null, vectors, dims).index;
    for (const setting of settings) {
      const exact = churnFraction > 0
        ? build(null, vectors, dims).index
        : shared;
      const { index, buildMs } = build(setting, vectors, dims);
      const fresh = measure(index, exact, queries);
      for (const ef of efs) {
        writeLine({
          data: kind,
          n,
          ...setting,
          efViaWanted: ef,
          ...measure(index, exact, queries, ef),
        });
      }
      const line: Record<string, unknown> = {
        data: kind,
        n,
        dims,
        ...setting,
        buildMs,
        ...fresh,
      };
      if (churnFraction > 0) {
        churn([index, exact], churnFraction, dims, n);
        line.churn = {
          fraction: churnFraction,
          ...measure(index, exact, queries),
        };
        line.stats = index.stats();
        exact[Symbol.dispose]();
      }
      writeLine(line);
      index[Symbol.dispose]();
    }
  }
}

function writeLine(line: Record<string, unknown>): void {
  const text = JSON.stringify(
    line,
    (_k, v) => typeof v === "number" ? Math.round(v * 1e4) / 1e4 : v,
  );
  Deno.stdout.writeSync(new TextEncoder().encode(text + "\n"));
}

if (import.meta.main) main();
