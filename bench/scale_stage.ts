/**
 * The scale stage of the bench (issue 15): at each size (10k, 100k, 1M with `--scale 1m`)
 * the shipped index is built with batched multi-threaded adds (and, up to 100k, with one
 * thread and rebuilt by compaction for the ratio), its memory itemised per product,
 * its snapshot saved and loaded, and the time a restarted process needs before it can
 * answer measured in a child process. Vectors are clustered synthetic; titles are
 * synthetic words drawn with a Zipf-like skew, so lexical postings have a realistic
 * shape.
 * @module
 */
import {
  createBruteForceIndex,
  createUsearchIndex,
  GRAPH_FILE as GRAPH,
  loadLatestSnapshot,
  rebuild,
  saveSnapshot,
  USEARCH_DEFAULTS,
  type VectorIndex,
} from "../index/mod.ts";
import type { ProductRecord } from "../types.ts";
import type { EmbeddingSet } from "./_embeddings.ts";
import { round } from "./_stats.ts";
import { prng } from "./_vectors.ts";
import { exactTruth, measureSearch, syntheticSet } from "./sweep_stage.ts";

/** Memory of one size, bytes per product. */
export interface MemoryPerProduct {
  /** The f32 row store (exact re-scoring, snapshots): dims × 4. */
  readonly vectors: number;
  /** USearch's own copy of the vectors, at its quantization. */
  readonly nativeVectors: number;
  /** USearch links and levels: its saved graph file minus its vectors. */
  readonly graph: number;
  /** Record objects, the id → row map and attribute postings (JS heap). */
  readonly records: number;
  /** Title strings and their BM25 postings (JS heap, with titles minus without). */
  readonly lexical: number;
  /** Sum of the above. */
  readonly total: number;
}

/** One size of {@linkcode runScaleStage}. */
export interface ScaleRow {
  readonly n: number;
  readonly threads: number;
  /** Build with batched adds on `threads` threads, s. */
  readonly buildS: number;
  /** Same with one thread (sizes up to 100k), s. */
  readonly build1S?: number;
  /** `rebuild()` (compaction) with `threads` threads (sizes up to 100k), s. */
  readonly rebuildS?: number;
  readonly memory: MemoryPerProduct;
  /** RSS of the bench process after the build, MiB. */
  readonly rssMiB: number;
  /** Native RSS growth of the USearch build per product (allocator slack included). */
  readonly nativeRssPerProduct: number;
  readonly snapshot: {
    readonly saveS: number;
    readonly loadS: number;
    readonly graphLoaded: boolean;
    readonly mib: number;
    /** Bytes of the saved USearch graph file. */
    readonly graphFileBytes: number;
    /** Spawn of a fresh process to its first answered search, s. */
    readonly readinessS: number;
  };
  /** Single-query search at each ef of {@linkcode SCALE_EFS}. */
  readonly search: {
    readonly ef: number;
    readonly recallAt10: number;
    readonly qps: number;
    readonly p99Ms: number;
  }[];
}

/** Candidate list sizes measured at every size (per request: no rebuild). */
export const SCALE_EFS = [16, 32, 64, 128, 256] as const;

/** Results of {@linkcode runScaleStage}. */
export interface ScaleResults {
  readonly setting: string;
  /** The shipped default ef. */
  readonly ef: number;
  readonly rows: ScaleRow[];
}

/** Options of {@linkcode runScaleStage}. */
export interface ScaleOptions {
  readonly sizes: readonly number[];
  readonly dims: number;
  readonly queries: number;
  readonly progress: (line: string) => void;
}

const WORDS = syllableWords(5000, 3);
const BRANDS = syllableWords(500, 4);
const TYPES = syllableWords(200, 5);
const COLOURS = ["red", "blue", "black", "white", "green", "grey", "pink"];

function syllableWords(count: number, seed: number): string[] {
  const rand = prng(seed);
  const parts = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "zen", "dra"];
  return Array.from({ length: count }, (_, i) => {
    let w = "";
    for (let s = 0; s < 2 + (i % 3); s++) {
      w += parts[Math.floor(rand() * parts.length)];
    }
    return `${w}${i}`;
  });
}

/** Zipf-like pick: low indices far more often. */
const skewed = (list: readonly string[], rand: () => number) =>
  list[Math.floor(list.length * rand() ** 3)]!;

/** A synthetic product record: brand, type, colour and four free words. */
export function scaleRecord(
  i: number,
  rand: () => number,
  withTitle = true,
): ProductRecord {
  const brand = skewed(BRANDS, rand);
  const type = skewed(TYPES, rand);
  const colour = COLOURS[i % COLOURS.length]!;
  const words = [0, 1, 2, 3].map(() => skewed(WORDS, rand)).join(" ");
  return {
    id: `p${i}`,
    title: withTitle ? `${brand} ${colour} ${type} ${words}` : "",
    attrs: { colour, brand },
    version: 1,
    weights: { title: 0.5, image: 0.5 },
    eventTimeMs: 0,
    indexedAtMs: 0,
  };
}

function fillRecords(
  index: VectorIndex,
  set: EmbeddingSet,
  withTitle: boolean,
): VectorIndex {
  const rand = prng(31);
  const n = set.facet.length;
  for (let i = 0; i < n; i += 10_000) {
    const items = [];
    for (let j = i; j < Math.min(n, i + 10_000); j++) {
      items.push({
        record: scaleRecord(j, rand, withTitle),
        vector: set.vectors.subarray(j * set.dims, (j + 1) * set.dims),
      });
    }
    index.upsertMany(items);
  }
  return index;
}

interface Mem {
  heap: number;
  rss: number;
}

function mem(): Mem {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = Deno.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

/** Runs every size; see the module doc. */
export async function runScaleStage(
  options: ScaleOptions,
): Promise<ScaleResults> {
  if ((globalThis as { gc?: unknown }).gc === undefined) {
    options.progress(
      "scale: no gc() (run with --v8-flags=--expose-gc): heap figures are noisy",
    );
  }
  const rows: ScaleRow[] = [];
  for (const n of options.sizes) {
    const row = await runSize(n, options);
    // Each size on its own line too: a 1M run takes long, and a failure later keeps these.
    options.progress(`scale ${n}: ${JSON.stringify(row)}`);
    rows.push(row);
  }
  return {
    setting:
      `M${USEARCH_DEFAULTS.connectivity} efAdd${USEARCH_DEFAULTS.expansionAdd} ${USEARCH_DEFAULTS.quantization}`,
    ef: USEARCH_DEFAULTS.expansionSearch,
    rows,
  };
}

async function runSize(n: number, o: ScaleOptions): Promise<ScaleRow> {
  const { dims, progress } = o;
  const threads = navigator.hardwareConcurrency || 1;
  progress(`scale ${n}: vectors`);
  const set = syntheticSet(n, o.queries, dims);
  const truth = exactTruth(set, false);
  const base = { dims, modelVersion: "scale", initialCapacity: n };
  progress(`scale ${n}: records without titles, then with`);
  const m0 = mem();
  const bare = fillRecords(createBruteForceIndex(base), set, false);
  const m1 = mem();
  bare[Symbol.dispose]();
  const m2 = mem();
  const full = fillRecords(createBruteForceIndex(base), set, true);
  const m3 = mem();
  const storeRss = m3.rss - m2.rss;
  const vectorsBytes = n * dims * 4;
  full[Symbol.dispose]();
  progress(`scale ${n}: build, ${threads} threads`);
  const m4 = mem();
  let t0 = performance.now();
  const index = fillRecords(
    createUsearchIndex({ ...base, bulkThreads: threads }),
    set,
    true,
  );
  const buildS = round((performance.now() - t0) / 1000);
  const m5 = mem();
  const bytesPerScalar = { f32: 4, f16: 2, i8: 1 }[index.options.quantization];
  const native = m5.rss - m4.rss - storeRss;
  const nativeVectors = n * dims * bytesPerScalar;
  measureSearch(index, set, truth, { ef: 64, filtered: false });
  const search = SCALE_EFS.map((ef) => ({
    ef,
    ...measureSearch(index, set, truth, { ef, filtered: false }),
  }));
  let build1S: number | undefined;
  let rebuildS: number | undefined;
  if (n <= 100_000) {
    progress(`scale ${n}: build, 1 thread; rebuild, ${threads} threads`);
    t0 = performance.now();
    fillRecords(createUsearchIndex({ ...base, bulkThreads: 1 }), set, true)
      [Symbol.dispose]();
    build1S = round((performance.now() - t0) / 1000);
    t0 = performance.now();
    (await rebuild(index, { bulkThreads: threads }))[Symbol.dispose]();
    rebuildS = round((performance.now() - t0) / 1000);
  }
  const snapshot = await snapshotTimes(index, progress);
  const rssMiB = round(Deno.memoryUsage().rss / 2 ** 20, 1);
  const memory: MemoryPerProduct = perProduct(n, {
    vectors: vectorsBytes,
    nativeVectors,
    graph: Math.max(0, snapshot.graphFileBytes - nativeVectors),
    records: m1.heap - m0.heap,
    lexical: Math.max(0, m3.heap - m2.heap - (m1.heap - m0.heap)),
  });
  index[Symbol.dispose]();
  return {
    n,
    threads,
    buildS,
    ...(build1S === undefined ? {} : { build1S }),
    ...(rebuildS === undefined ? {} : { rebuildS }),
    memory,
    rssMiB,
    nativeRssPerProduct: round(native / n, 1),
    snapshot,
    search,
  };
}

function perProduct(
  n: number,
  bytes: Omit<MemoryPerProduct, "total">,
): MemoryPerProduct {
  const each = (v: number) => round(v / n, 1);
  const out = {
    vectors: each(bytes.vectors),
    nativeVectors: each(bytes.nativeVectors),
    graph: each(bytes.graph),
    records: each(bytes.records),
    lexical: each(bytes.lexical),
  };
  const total = round(
    Object.values(out).reduce((s, v) => s + v, 0),
    1,
  );
  return { ...out, total };
}

async function snapshotTimes(
  index: VectorIndex,
  progress: (line: string) => void,
): Promise<ScaleRow["snapshot"]> {
  const dir = await Deno.makeTempDir({ prefix: "bench-scale-" });
  try {
    progress(`scale ${index.size}: snapshot save`);
    const saved = await saveSnapshot(index, dir);
    const mib = round(
      Object.values(saved.manifest.files).reduce((s, f) => s + f.bytes, 0) /
        2 ** 20,
      1,
    );
    progress(`scale ${index.size}: snapshot load`);
    const loaded = await loadLatestSnapshot(dir);
    if (loaded === null) throw new Error(`The snapshot in ${dir} did not load`);
    loaded.index[Symbol.dispose]();
    progress(`scale ${index.size}: restart in a fresh process`);
    const readinessS = await readiness(dir);
    return {
      saveS: round(saved.durationMs / 1000),
      loadS: round(loaded.durationMs / 1000),
      graphLoaded: loaded.graphLoaded,
      mib,
      graphFileBytes: saved.manifest.files[GRAPH]?.bytes ?? 0,
      readinessS,
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function readiness(dir: string): Promise<number> {
  const t0 = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-ffi",
      "--allow-env",
      "--allow-sys",
      new URL("./_restart_probe.ts", import.meta.url).pathname,
      dir,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const s = round((performance.now() - t0) / 1000);
  if (!out.success) {
    throw new Error(
      `Restart probe failed: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  const line = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    hits: number;
  };
  if (line.hits === 0) throw new Error("Restart probe answered no hits");
  return s;
}
