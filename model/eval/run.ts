/**
 * Runs the whole evaluation: loads the bundle, embeds the products through encode/,
 * builds USearch indexes through index/, encodes queries with and without Keyword
 * Enhancement and scores every system on the same queries.
 */

import {
  createEncoders,
  type EncoderDevice,
  type Encoders,
  loadBundle,
  type QueryEmbedding,
} from "../../encode/mod.ts";
import type { VectorIndex } from "../../index/mod.ts";
import { Bm25Titles } from "./bm25.ts";
import type { EvalProduct, EvalQuery } from "./data.ts";
import type { ImageQuery } from "./data.ts";
import { embedProducts } from "./embed.ts";
import { type ImageToImageResult, scoreImageQueries } from "./image_queries.ts";
import { type QueryMetrics, queryMetrics } from "./metrics.ts";
import { scoreSystem, type SystemResult } from "./report.ts";
import { rankServed } from "./served.ts";
import { buildIndex, rankByVectors, rankRandom } from "./systems.ts";
import {
  type ProductMeta,
  summariseWeights,
  type WeightGroup,
} from "./weights.ts";

/** Options of runEvaluation. */
export interface RunOptions {
  /** Products to index (every relevant id must be among them). */
  readonly products: readonly EvalProduct[];
  /** Queries with their relevant ids. */
  readonly queries: readonly EvalQuery[];
  /** Model bundle folder. */
  readonly modelDir: string;
  /** Folder relative image paths are read from. */
  readonly imageBaseDir: string;
  /**
   * Other bundles to compare (e.g. one trained without Keyword Enhancement); each adds
   * one row, "<name> (served)", ranked through /search like the main bundle's last row.
   * @default []
   */
  readonly extraModels?: readonly {
    readonly name: string;
    readonly dir: string;
  }[];
  /** Catalogue facts per product id (products-meta.jsonl) for the weight summary. @default none */
  readonly meta?: ReadonlyMap<string, ProductMeta>;
  /** Seed of a "random ranking" reference row after the systems. @default no such row */
  readonly randomSeed?: number;
  /** Image→image queries scored on the image tower's index. @default [] */
  readonly imageQueries?: readonly ImageQuery[];
  /** Encoder device. @default "auto" */
  readonly device?: EncoderDevice;
  /** Aborts the run; it then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Progress lines ("embed 640/890", …). */
  readonly onProgress?: (line: string) => void;
}

/** What runEvaluation reports. */
export interface EvalReport {
  /** The bundle evaluated, with its Keyword Enhancement strength. */
  readonly model: {
    readonly dir: string;
    readonly name: string;
    readonly version: string;
    readonly alpha: number;
  };
  /** Encoder device used. */
  readonly device: string;
  /** Products indexed. */
  readonly products: number;
  /** Products whose image loaded and decoded. */
  readonly productsWithImage: number;
  /** Images that did not load, by reason (those products are encoded from the title). */
  readonly imagesSkipped: Record<string, number>;
  /** Queries scored. */
  readonly queries: number;
  /**
   * One entry per system, in {@linkcode SYSTEMS} order, then "random ranking" (with
   * randomSeed), then one per extra model.
   */
  readonly results: SystemResult[];
  /** Image→image results by tag (only when imageQueries were given). */
  readonly imageToImage?: ImageToImageResult;
  /** Mean Modal Adaptation image weight of the main bundle, by product group. */
  readonly modalWeights: Record<string, WeightGroup>;
  /** Settings of the USearch indexes searched (the index stage's defaults). */
  readonly index: Readonly<Record<string, unknown>>;
  /** Wall time of each phase. */
  readonly timingsMs: Record<string, number>;
  /** Warn/error lines logged by the served app (first 100). */
  readonly warnings: string[];
  /** Per system, the metrics of every query, in query order (for analysis). */
  readonly perQuery: Record<string, QueryMetrics[]>;
}

/** Names of the systems, in report order. */
export const SYSTEMS = [
  "BM25 (titles)",
  "title tower",
  "image tower",
  "fixed 0.5/0.5 fusion",
  "MAKE w/o KE",
  "MAKE + KE vector",
  "MAKE + KE (served)",
] as const;

async function encodeQueries(
  encoders: Encoders,
  texts: readonly string[],
  enhance: boolean,
  signal?: AbortSignal,
): Promise<QueryEmbedding[]> {
  const out: QueryEmbedding[] = [];
  for (let i = 0; i < texts.length; i += 64) {
    const batch = texts.slice(i, i + 64);
    out.push(...await encoders.query.encode(batch, { signal, enhance }));
  }
  return out;
}

async function rankAll(
  o: RunOptions,
  encoders: Encoders,
  indexes: Record<
    "make" | "title" | "image" | "fixed",
    VectorIndex
  >,
  warnings: string[],
): Promise<Record<typeof SYSTEMS[number], string[][]>> {
  const texts = o.queries.map((q) => q.query);
  const plain = await encodeQueries(encoders, texts, false, o.signal);
  const enhanced = await encodeQueries(encoders, texts, true, o.signal);
  const bm25 = new Bm25Titles(o.products);
  return {
    "BM25 (titles)": texts.map((q) => bm25.rank(q, 100)),
    "title tower": rankByVectors(indexes.title, plain, 100),
    "image tower": rankByVectors(indexes.image, plain, 100),
    "fixed 0.5/0.5 fusion": rankByVectors(indexes.fixed, enhanced, 100),
    "MAKE w/o KE": rankByVectors(indexes.make, plain, 100),
    "MAKE + KE vector": rankByVectors(indexes.make, enhanced, 100),
    "MAKE + KE (served)": await rankServed(
      indexes.make,
      encoders.query,
      texts,
      {
        k: 100,
        warnings,
        signal: o.signal,
      },
    ),
  };
}

/** The served ranking of another bundle, as "<name> (served)". */
async function rankExtra(
  o: RunOptions,
  model: { readonly name: string; readonly dir: string },
  warnings: string[],
): Promise<string[][]> {
  const bundle = await loadBundle(model.dir);
  await using encoders = await createEncoders(bundle, {
    device: o.device ?? "auto",
  });
  const embedded = await embedProducts(o.products, {
    encoders,
    spec: bundle.manifest.image,
    imageBaseDir: o.imageBaseDir,
    signal: o.signal,
    onProgress: (d, n) => o.onProgress?.(`embed ${model.name} ${d}/${n}`),
  });
  using index = buildIndex(
    o.products,
    embedded.embeddings,
    "make",
    bundle.manifest.version,
  );
  const texts = o.queries.map((q) => q.query);
  return await rankServed(index, encoders.query, texts, {
    k: 100,
    warnings,
    signal: o.signal,
  });
}

interface Timer {
  readonly timings: Record<string, number>;
  lap(name: string): void;
}

function timer(): Timer {
  const timings: Record<string, number> = {};
  let t0 = performance.now();
  return {
    timings,
    lap(name) {
      timings[name] = Math.round(performance.now() - t0);
      t0 = performance.now();
    },
  };
}

function scoreAll(
  queries: readonly EvalQuery[],
  all: readonly [string, string[][]][],
): Pick<EvalReport, "results" | "perQuery"> {
  return {
    results: all.map(([s, r]) => scoreSystem(s, queries, r)),
    perQuery: Object.fromEntries(all.map(([s, r]) => [
      s,
      queries.map((q, i) => queryMetrics(r[i] ?? [], q.relevant)),
    ])),
  };
}

/** Runs every system on the products and queries. */
export async function runEvaluation(o: RunOptions): Promise<EvalReport> {
  const t = timer();
  const bundle = await loadBundle(o.modelDir);
  await using encoders = await createEncoders(bundle, {
    device: o.device ?? "auto",
  });
  const { version, name, keywords } = bundle.manifest;
  const embedded = await embedProducts(o.products, {
    encoders,
    spec: bundle.manifest.image,
    imageBaseDir: o.imageBaseDir,
    signal: o.signal,
    onProgress: (d, n) => o.onProgress?.(`embed ${d}/${n}`),
  });
  t.lap("embedProducts");
  const e = embedded.embeddings;
  using make = buildIndex(o.products, e, "make", version);
  using title = buildIndex(o.products, e, "title", version);
  using image = buildIndex(o.products, e, "image", version);
  using fixed = buildIndex(o.products, e, "fixed", version);
  t.lap("buildIndexes");
  const imageToImage = o.imageQueries?.length
    ? scoreImageQueries(image, o.products.map((p) => p.id), e, o.imageQueries)
    : undefined;
  const warnings: string[] = [];
  const indexes = { make, title, image, fixed };
  const rankings = await rankAll(o, encoders, indexes, warnings);
  t.lap("encodeAndRankQueries");
  const all: [string, string[][]][] = SYSTEMS.map((s) => [s, rankings[s]]);
  if (o.randomSeed !== undefined) {
    const ids = o.products.map((p) => p.id);
    const k = { k: 100, seed: o.randomSeed };
    all.push(["random ranking", rankRandom(ids, o.queries.length, k)]);
  }
  for (const extra of o.extraModels ?? []) {
    all.push([`${extra.name} (served)`, await rankExtra(o, extra, warnings)]);
    t.lap(`extra ${extra.name}`);
  }
  return {
    model: { dir: o.modelDir, name, version, alpha: keywords.alpha },
    device: encoders.device,
    products: o.products.length,
    productsWithImage: embedded.withImage,
    imagesSkipped: embedded.skipped,
    queries: o.queries.length,
    ...scoreAll(o.queries, all),
    ...(imageToImage ? { imageToImage } : {}),
    modalWeights: summariseWeights(
      o.products.map((p) => p.id),
      e.map((x) => x.weights),
      o.meta ?? new Map(),
    ),
    index: { ...make.options },
    timingsMs: t.timings,
    warnings,
  };
}
