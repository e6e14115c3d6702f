/**
 * The parameter sweep of the bench (issue 15): HNSW connectivity, expansion_add and
 * quantization per build, expansion_search per request (`ef`, no rebuild), on the
 * embeddings of real catalogues (`--dataset DIR`, encoded with the shipped model) and on
 * clustered synthetic vectors; recall@10 against exact search, single-query QPS and p99,
 * build time and estimated memory, and the filtered path. Picks the cheapest setting
 * with recall@10 ≥ 0.98 on every model-embedding data set (on the synthetic one only
 * when no `--dataset` was given).
 * @module
 */
import {
  createBruteForceIndex,
  createUsearchIndex,
  type Quantization,
  type SearchOptions,
  USEARCH_DEFAULTS,
  type VectorIndex,
} from "../index/mod.ts";
import type { ProductRecord } from "../types.ts";
import type { EmbeddingSet } from "./_embeddings.ts";
import { perSecond, round, summarize } from "./_stats.ts";
import { clusteredVectors } from "./_vectors.ts";

/** Recall@10 every picked setting must reach on every data set. */
export const RECALL_TARGET = 0.98;

/** One graph build. */
export interface BuildSetting {
  readonly connectivity: number;
  readonly expansionAdd: number;
  readonly quantization: Quantization;
}

/** One (data set, build, ef) measurement. */
export interface SweepRow {
  readonly dataset: string;
  readonly n: number;
  readonly setting: string;
  readonly connectivity: number;
  readonly expansionAdd: number;
  readonly quantization: Quantization;
  readonly ef: number;
  readonly recallAt10: number;
  readonly qps: number;
  readonly p99Ms: number;
  readonly buildS: number;
  /** Vectors at the stored precision plus level-0 links (2·M × 4 bytes) per product. */
  readonly graphMiB: number;
}

/** Filtered search (the query's own facet value) at one setting. */
export interface FilteredRow {
  readonly dataset: string;
  readonly setting: string;
  readonly ef: number;
  /** Mean share of the products a query's filter lets through. */
  readonly selectivity: number;
  readonly recallAt10: number;
  readonly qps: number;
  readonly p99Ms: number;
}

/** Results of {@linkcode runSweepStage}. */
export interface SweepResults {
  readonly target: number;
  readonly datasets: {
    name: string;
    n: number;
    queries: number;
    /** Re-encoding rate, products/s (absent: embeddings from the cache). */
    encodedPerS?: number;
  }[];
  readonly rows: SweepRow[];
  readonly filtered: FilteredRow[];
  /** Cheapest build and ef meeting the target on every `pickedOn` set (null: none did). */
  readonly picked: { setting: string; ef: number } | null;
  /** The data sets the pick had to satisfy: the model-embedding ones when there are any. */
  readonly pickedOn: string[];
  readonly shipped: { setting: string; ef: number };
}

/** Options of {@linkcode runSweepStage}. */
export interface SweepOptions {
  readonly sets: readonly EmbeddingSet[];
  readonly builds?: readonly BuildSetting[];
  readonly efs?: readonly number[];
  readonly progress: (line: string) => void;
}

const SHIPPED: BuildSetting = {
  connectivity: USEARCH_DEFAULTS.connectivity,
  expansionAdd: USEARCH_DEFAULTS.expansionAdd,
  quantization: USEARCH_DEFAULTS.quantization,
};

/** Builds swept by default: cheap graphs, the shipped one, and quantized copies. */
export const DEFAULT_BUILDS: readonly BuildSetting[] = [
  { connectivity: 8, expansionAdd: 64, quantization: "f32" },
  { connectivity: 16, expansionAdd: 64, quantization: "f32" },
  { connectivity: 16, expansionAdd: 64, quantization: "f16" },
  { connectivity: 16, expansionAdd: 64, quantization: "i8" },
  { connectivity: 32, expansionAdd: 128, quantization: "f32" },
];

/** Candidate list sizes tried on every build. */
export const DEFAULT_EFS: readonly number[] = [16, 32, 64, 128, 256, 512];

/** `M16 efAdd64 f32`. */
export const settingName = (s: BuildSetting) =>
  `M${s.connectivity} efAdd${s.expansionAdd} ${s.quantization}`;

/** Clustered synthetic vectors with held-out queries from the same distribution. */
export function syntheticSet(
  n: number,
  queries: number,
  dims: number,
): EmbeddingSet {
  const all = clusteredVectors(n + queries, dims, { seed: 7 });
  const pack = (rows: Float32Array[]) => {
    const out = new Float32Array(rows.length * dims);
    rows.forEach((v, i) => out.set(v, i * dims));
    return out;
  };
  const colour = (i: number) => ["red", "blue", "black", "white"][i % 4]!;
  return {
    name: `synthetic ${n / 1000}k`,
    dims,
    vectors: pack(all.slice(0, n)),
    queries: pack(all.slice(n)),
    facet: Array.from({ length: n }, (_, i) => colour(i)),
    queryFacet: Array.from({ length: queries }, (_, i) => colour(i)),
    synthetic: true,
  };
}

/** A record with one `facet` attribute and a short title. */
function recordOf(i: number, facet: string): ProductRecord {
  return {
    id: `p${i}`,
    title: `product ${i}`,
    attrs: { facet },
    version: 0,
    weights: { title: 0.5, image: 0.5 },
    eventTimeMs: 0,
    indexedAtMs: 0,
  };
}

/** Fills `index` with every product of `set`. */
export function fill(index: VectorIndex, set: EmbeddingSet): VectorIndex {
  const n = set.facet.length;
  const batch = 10_000;
  for (let i = 0; i < n; i += batch) {
    const items = [];
    for (let j = i; j < Math.min(n, i + batch); j++) {
      items.push({
        record: recordOf(j, set.facet[j]!),
        vector: set.vectors.subarray(j * set.dims, (j + 1) * set.dims),
      });
    }
    index.upsertMany(items);
  }
  return index;
}

const queryAt = (set: EmbeddingSet, i: number) =>
  set.queries.subarray(i * set.dims, (i + 1) * set.dims);

/** Top-10 ids per query from exact search, with or without each query's filter. */
export function exactTruth(
  set: EmbeddingSet,
  filtered: boolean,
): Set<string>[] {
  using exact = fill(
    createBruteForceIndex({
      dims: set.dims,
      modelVersion: "sweep",
      initialCapacity: set.facet.length,
    }),
    set,
  );
  return set.queryFacet.map((facet, i) =>
    new Set(
      exact.search(queryAt(set, i), {
        k: 10,
        ...(filtered ? { filters: [{ attr: "facet", value: facet }] } : {}),
      }).map((h) => h.id),
    )
  );
}

/** Recall@10, QPS and p99 of `index` over the set's queries. */
export function measureSearch(
  index: VectorIndex,
  set: EmbeddingSet,
  truth: readonly Set<string>[],
  options: { ef: number; filtered: boolean },
): { recallAt10: number; qps: number; p99Ms: number } {
  const times: number[] = [];
  let found = 0;
  let wanted = 0;
  for (let i = 0; i < truth.length; i++) {
    const o: SearchOptions = {
      k: 10,
      ef: options.ef,
      ...(options.filtered
        ? { filters: [{ attr: "facet", value: set.queryFacet[i]! }] }
        : {}),
    };
    const t0 = performance.now();
    const hits = index.search(queryAt(set, i), o);
    times.push(performance.now() - t0);
    const want = truth[i]!;
    wanted += want.size;
    found += hits.filter((h) => want.has(h.id)).length;
  }
  const total = times.reduce((a, b) => a + b, 0);
  return {
    recallAt10: round(found / Math.max(1, wanted), 4),
    qps: perSecond(times.length, total),
    p99Ms: summarize(times).p99,
  };
}

/** Builds a USearch index over the set (one insert thread unless told). */
export function buildIndex(
  set: EmbeddingSet,
  s: BuildSetting,
  bulkThreads = 1,
): { index: VectorIndex; buildS: number } {
  const t0 = performance.now();
  const index = fill(
    createUsearchIndex({
      dims: set.dims,
      modelVersion: "sweep",
      initialCapacity: set.facet.length,
      bulkThreads,
      ...s,
    }),
    set,
  );
  return { index, buildS: round((performance.now() - t0) / 1000) };
}

const BYTES: Record<Quantization, number> = { f32: 4, f16: 2, i8: 1 };

/** Runs the sweep over every set; see the module doc. */
export function runSweepStage(options: SweepOptions): SweepResults {
  const builds = options.builds ?? DEFAULT_BUILDS;
  const efs = options.efs ?? DEFAULT_EFS;
  const rows: SweepRow[] = [];
  const filtered: FilteredRow[] = [];
  for (const set of options.sets) {
    const n = set.facet.length;
    options.progress(`sweep: exact top-10 over ${set.name} (${n} products)`);
    const truth = exactTruth(set, false);
    const filteredTruth = exactTruth(set, true);
    const selectivity = selectivityOf(set);
    for (const s of builds) {
      options.progress(`sweep: ${set.name} ${settingName(s)}`);
      const built = buildIndex(set, s);
      using index = built.index;
      measureSearch(index, set, truth, { ef: efs[0]!, filtered: false });
      const graphMiB = round(
        n * (set.dims * BYTES[s.quantization] + s.connectivity * 8) / 2 ** 20,
        1,
      );
      for (const ef of efs) {
        const base = { dataset: set.name, setting: settingName(s), ef };
        rows.push({
          ...base,
          n,
          ...s,
          ...measureSearch(index, set, truth, { ef, filtered: false }),
          buildS: built.buildS,
          graphMiB,
        });
        filtered.push({
          ...base,
          selectivity,
          ...measureSearch(index, set, filteredTruth, { ef, filtered: true }),
        });
      }
    }
  }
  // Picked on model embeddings when there are any: generated vectors are reported only.
  const real = options.sets.filter((s) => !s.synthetic);
  const pickedOn = (real.length > 0 ? real : options.sets).map((s) => s.name);
  const picked = pick(rows, pickedOn);
  const shipped = {
    setting: settingName(SHIPPED),
    ef: USEARCH_DEFAULTS.expansionSearch,
  };
  return {
    target: RECALL_TARGET,
    datasets: options.sets.map((s) => ({
      name: s.name,
      n: s.facet.length,
      queries: s.queryFacet.length,
      ...(s.encodedPerS === undefined ? {} : { encodedPerS: s.encodedPerS }),
    })),
    rows,
    filtered,
    picked,
    pickedOn,
    shipped,
  };
}

/** Mean share of the products that a query's facet filter lets through. */
function selectivityOf(set: EmbeddingSet): number {
  const counts = new Map<string, number>();
  for (const f of set.facet) counts.set(f, (counts.get(f) ?? 0) + 1);
  const passing = set.queryFacet.reduce((s, f) => s + (counts.get(f) ?? 0), 0);
  return round(
    passing / Math.max(1, set.queryFacet.length) / set.facet.length,
    4,
  );
}

/**
 * The (setting, ef) meeting the target on every one of `datasets` with the highest QPS
 * on the largest of them; within 5% QPS the smaller graph wins.
 */
export function pick(
  rows: readonly SweepRow[],
  datasets: readonly string[],
): { setting: string; ef: number } | null {
  const key = (r: SweepRow) => `${r.setting}|${r.ef}`;
  const byKey = new Map<string, SweepRow[]>();
  for (const r of rows) {
    if (!datasets.includes(r.dataset)) continue;
    byKey.set(key(r), [...(byKey.get(key(r)) ?? []), r]);
  }
  let best: { row: SweepRow; qps: number } | null = null;
  for (const group of byKey.values()) {
    if (group.length !== datasets.length) continue;
    if (group.some((r) => r.recallAt10 < RECALL_TARGET)) continue;
    const largest = group.reduce((a, b) => (b.n > a.n ? b : a));
    const better = best === null || largest.qps > best.qps * 1.05 ||
      (largest.qps >= best.qps * 0.95 &&
        largest.graphMiB < best.row.graphMiB);
    if (better) best = { row: largest, qps: largest.qps };
  }
  return best ? { setting: best.row.setting, ef: best.row.ef } : null;
}
