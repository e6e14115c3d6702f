/**
 * Items 4 and 5 of the bench: recall@10 of the USearch index against exact search, fresh
 * and after 50% churn through the real upsert/remove path, a settings trade-off, and the
 * index peers (USearch, hnswlib-node HNSW, brute force) at the same size in the same run.
 * @module
 */
import {
  createBruteForceIndex,
  createUsearchIndex,
  type Quantization,
  USEARCH_DEFAULTS,
  type VectorIndex,
} from "../index/mod.ts";
import type { ProductRecord } from "../types.ts";
import { loadHnswPeer } from "./_hnsw_peer.ts";
import { perSecond, round, rssMiB, summarize } from "./_stats.ts";
import { clusteredVectors, prng } from "./_vectors.ts";

/** One USearch setting. */
export interface IndexSetting {
  readonly connectivity: number;
  readonly expansionAdd: number;
  readonly expansionSearch: number;
  readonly quantization: Quantization;
}

/** Recall and speed of one index over the query set. */
export interface QualityRow {
  readonly name: string;
  readonly n: number;
  readonly buildS: number;
  readonly recallAt10: number;
  readonly qps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** RSS growth while building, MiB (noisy: includes allocator slack). */
  readonly rssDeltaMiB: number;
  /** The index's own estimate of its memory, MiB, when it reports one. */
  readonly indexMiB?: number;
}

/** Results of {@linkcode runIndexStage}. */
export interface IndexResults {
  readonly dims: number;
  readonly queries: number;
  readonly shipped: IndexSetting;
  /** Shipped settings at `n`: fresh, then after 50% churn. */
  readonly fresh: QualityRow;
  readonly churned: QualityRow;
  readonly settings: QualityRow[];
  readonly peers: QualityRow[];
  readonly peerSkipped?: string;
}

/** Sizes of {@linkcode runIndexStage}. */
export interface IndexStageOptions {
  readonly n: number;
  readonly settingsN: number;
  readonly queries: number;
  readonly dims: number;
  readonly progress: (line: string) => void;
}

const SHIPPED: IndexSetting = { ...USEARCH_DEFAULTS };
const SWEEP: IndexSetting[] = [
  {
    connectivity: 8,
    expansionAdd: 64,
    expansionSearch: 64,
    quantization: "f32",
  },
  SHIPPED,
  {
    connectivity: 32,
    expansionAdd: 256,
    expansionSearch: 256,
    quantization: "f32",
  },
  { ...SHIPPED, quantization: "f16" },
  { ...SHIPPED, quantization: "i8" },
];

/** A record for a synthetic product. */
export function syntheticRecord(id: string, i: number): ProductRecord {
  return {
    id,
    title: `Synthetic product ${i}`,
    attrs: { colour: ["red", "blue", "black", "white"][i % 4]! },
    version: 0,
    weights: { title: 0.5, image: 0.5 },
    eventTimeMs: 0,
    indexedAtMs: 0,
  };
}

/** Data vectors and held-out queries from one distribution. */
export function dataset(n: number, queries: number, dims: number) {
  const all = clusteredVectors(n + queries, dims, { seed: 7 });
  return { data: all.slice(0, n), queries: all.slice(n) };
}

/** Builds a USearch index with `setting` over `data` (ids p0…), one insert thread unless told. */
export function buildUsearch(
  data: readonly Float32Array[],
  dims: number,
  setting: IndexSetting,
  bulkThreads = 1,
): { index: VectorIndex; buildS: number; rssDeltaMiB: number } {
  const before = rssMiB();
  const t0 = performance.now();
  const index = createUsearchIndex({
    dims,
    modelVersion: "bench",
    initialCapacity: data.length,
    bulkThreads,
    ...setting,
  });
  index.upsertMany(
    data.map((vector, i) => ({ record: syntheticRecord(`p${i}`, i), vector })),
  );
  return {
    index,
    buildS: round((performance.now() - t0) / 1000),
    rssDeltaMiB: round(rssMiB() - before, 1),
  };
}

function measure(
  name: string,
  build: { buildS: number; rssDeltaMiB: number; indexMiB?: number; n: number },
  search: (q: Float32Array) => string[],
  queries: readonly Float32Array[],
  truth: readonly Set<string>[],
): QualityRow {
  let found = 0;
  const times: number[] = [];
  queries.forEach((q, i) => {
    const t0 = performance.now();
    const ids = search(q);
    times.push(performance.now() - t0);
    found += ids.filter((id) => truth[i]!.has(id)).length;
  });
  const s = summarize(times);
  const total = times.reduce((a, b) => a + b, 0);
  return {
    name,
    n: build.n,
    buildS: build.buildS,
    rssDeltaMiB: build.rssDeltaMiB,
    ...(build.indexMiB === undefined ? {} : { indexMiB: build.indexMiB }),
    recallAt10: round(found / (queries.length * 10), 4),
    qps: perSecond(queries.length, total),
    p50Ms: s.p50,
    p99Ms: s.p99,
  };
}

const ids = (index: VectorIndex) => (q: Float32Array) =>
  index.search(q, { k: 10 }).map((h) => h.id);
const truthOf = (exact: VectorIndex, queries: readonly Float32Array[]) =>
  queries.map((q) => new Set(ids(exact)(q)));
const mib = (index: VectorIndex) =>
  round(index.stats().memoryBytes / 2 ** 20, 1);

/**
 * Runs the quality, settings and peer measurements. Returns the churned shipped index
 * (still `n` live products) for the HTTP search stage, which owns it afterwards.
 */
export async function runIndexStage(
  options: IndexStageOptions,
): Promise<{ results: IndexResults; index: VectorIndex }> {
  const { n, dims, progress } = options;
  const { data, queries } = dataset(n, options.queries, dims);
  progress(`index: brute force over ${n} vectors`);
  const rss0 = rssMiB();
  const t0 = performance.now();
  const exact = createBruteForceIndex({
    dims,
    modelVersion: "bench",
    initialCapacity: n,
  });
  exact.upsertMany(
    data.map((vector, i) => ({ record: syntheticRecord(`p${i}`, i), vector })),
  );
  const exactBuild = {
    n,
    buildS: round((performance.now() - t0) / 1000),
    rssDeltaMiB: round(rssMiB() - rss0, 1),
    indexMiB: mib(exact),
  };
  const truth = truthOf(exact, queries);
  progress(`index: USearch (shipped settings) build over ${n} vectors`);
  const shipped = buildUsearch(data, dims, SHIPPED);
  const fresh = measure(
    "usearch",
    { ...shipped, n, indexMiB: mib(shipped.index) },
    ids(shipped.index),
    queries,
    truth,
  );
  const peers = [
    fresh,
    measure("brute force", exactBuild, ids(exact), queries, truth),
  ];
  const peer = await hnswRow(data, queries, truth, dims, progress);
  if (peer.kind === "ok") peers.splice(1, 0, peer.row);
  progress(`index: 50% churn through upsert/remove`);
  churn(shipped.index, exact, data, dims);
  const churned = measure(
    "usearch after 50% churn",
    { ...shipped, n, indexMiB: mib(shipped.index) },
    ids(shipped.index),
    queries,
    truthOf(exact, queries),
  );
  exact[Symbol.dispose]();
  const settings = sweep(options);
  return {
    results: {
      dims,
      queries: queries.length,
      shipped: SHIPPED,
      fresh,
      churned,
      settings,
      peers,
      ...(peer.kind === "skipped" ? { peerSkipped: peer.reason } : {}),
    },
    index: shipped.index,
  };
}

/** Half the products change: a quarter re-embedded in place, a quarter deleted and replaced by new ids. */
function churn(
  index: VectorIndex,
  exact: VectorIndex,
  data: readonly Float32Array[],
  dims: number,
): void {
  const fresh = clusteredVectors(Math.ceil(data.length / 2), dims, {
    seed: 99,
  });
  const rand = prng(5);
  for (let i = 0; i < fresh.length; i++) {
    const j = Math.floor(rand() * data.length);
    const vector = fresh[i]!;
    if (i % 2 === 0) {
      const record = { ...syntheticRecord(`p${j}`, j), version: 1 };
      index.upsert(record, vector);
      exact.upsert(record, vector);
    } else if (index.remove(`p${j}`)) {
      exact.remove(`p${j}`);
      const record = syntheticRecord(`c${i}`, i);
      index.upsert(record, vector);
      exact.upsert(record, vector);
    }
  }
}

function sweep(options: IndexStageOptions): QualityRow[] {
  const { settingsN: n, dims, progress } = options;
  const { data, queries } = dataset(n, options.queries, dims);
  const exact = createBruteForceIndex({
    dims,
    modelVersion: "bench",
    initialCapacity: n,
  });
  exact.upsertMany(
    data.map((vector, i) => ({ record: syntheticRecord(`p${i}`, i), vector })),
  );
  const truth = truthOf(exact, queries);
  exact[Symbol.dispose]();
  return SWEEP.map((s) => {
    const name =
      `M${s.connectivity} efAdd${s.expansionAdd} ef${s.expansionSearch} ${s.quantization}`;
    progress(`index: settings ${name} over ${n} vectors`);
    const built = buildUsearch(data, dims, s);
    const row = measure(
      name,
      { ...built, n, indexMiB: mib(built.index) },
      ids(built.index),
      queries,
      truth,
    );
    built.index[Symbol.dispose]();
    return row;
  });
}

async function hnswRow(
  data: readonly Float32Array[],
  queries: readonly Float32Array[],
  truth: readonly Set<string>[],
  dims: number,
  progress: (line: string) => void,
): Promise<
  { kind: "ok"; row: QualityRow } | { kind: "skipped"; reason: string }
> {
  const peer = await loadHnswPeer(progress);
  if (peer.kind === "skipped") {
    progress(`index: HNSW peer skipped: ${peer.reason}`);
    return peer;
  }
  progress(`index: hnswlib-node build over ${data.length} vectors`);
  // hnswlib-node takes plain arrays only; converting is left out of the timings.
  const rows = data.map((v) => Array.from(v));
  const asked = new Map(queries.map((q) => [q, Array.from(q)]));
  const before = rssMiB();
  const t0 = performance.now();
  const h = peer.create(dims);
  h.initIndex(data.length, SHIPPED.connectivity, SHIPPED.expansionAdd, 100);
  h.setEf(SHIPPED.expansionSearch);
  rows.forEach((v, i) => h.addPoint(v, i));
  const build = {
    n: data.length,
    buildS: round((performance.now() - t0) / 1000),
    rssDeltaMiB: round(rssMiB() - before, 1),
  };
  const search = (q: Float32Array) =>
    h.searchKnn(asked.get(q)!, 10).neighbors.map((i) => `p${i}`);
  return {
    kind: "ok",
    row: measure("hnswlib-node", build, search, queries, truth),
  };
}
