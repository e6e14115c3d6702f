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
import { Bm25Titles } from "./bm25.ts";
import type { EvalProduct, EvalQuery } from "./data.ts";
import { embedProducts } from "./embed.ts";
import { scoreSystem, type SystemResult } from "./report.ts";
import { rankServed } from "./served.ts";
import { buildIndex, rankByVectors } from "./systems.ts";

/** Options of runEvaluation. */
export interface RunOptions {
  readonly products: readonly EvalProduct[];
  readonly queries: readonly EvalQuery[];
  /** Model bundle folder. */
  readonly modelDir: string;
  /** Folder relative image paths are read from. */
  readonly imageBaseDir: string;
  /** Encoder device. @default "auto" */
  readonly device?: EncoderDevice;
  readonly signal?: AbortSignal;
  /** Progress lines ("embed 640/890", …). */
  readonly onProgress?: (line: string) => void;
}

/** What runEvaluation reports. */
export interface EvalReport {
  readonly model: {
    readonly dir: string;
    readonly name: string;
    readonly version: string;
  };
  readonly device: string;
  readonly products: number;
  readonly productsWithImage: number;
  readonly imagesSkipped: Record<string, number>;
  readonly queries: number;
  readonly results: SystemResult[];
  readonly timingsMs: Record<string, number>;
  /** Warn/error lines logged by the served app (first 100). */
  readonly warnings: string[];
}

/** Names of the systems, in report order. */
export const SYSTEMS = [
  "BM25 (titles)",
  "title tower",
  "image tower",
  "fixed 0.5/0.5 fusion",
  "MAKE w/o KE",
  "MAKE (MA + KE)",
  "MAKE as served",
] as const;

async function encodeQueries(
  encoders: Encoders,
  texts: readonly string[],
  enhance: boolean,
  signal?: AbortSignal,
): Promise<QueryEmbedding[]> {
  const out: QueryEmbedding[] = [];
  for (let i = 0; i < texts.length; i += 64) {
    out.push(
      ...await encoders.query.encode(texts.slice(i, i + 64), {
        signal,
        enhance,
      }),
    );
  }
  return out;
}

/** Runs every system on the products and queries. */
export async function runEvaluation(o: RunOptions): Promise<EvalReport> {
  const t: Record<string, number> = {};
  let t0 = performance.now();
  const bundle = await loadBundle(o.modelDir);
  await using encoders = await createEncoders(bundle, {
    device: o.device ?? "auto",
  });
  const version = bundle.manifest.version;
  const embedded = await embedProducts(o.products, {
    encoders,
    spec: bundle.manifest.image,
    imageBaseDir: o.imageBaseDir,
    signal: o.signal,
    onProgress: (d, n) => o.onProgress?.(`embed ${d}/${n}`),
  });
  t.embedProducts = performance.now() - t0, t0 = performance.now();
  using make = buildIndex(o.products, embedded.embeddings, "make", version);
  using title = buildIndex(o.products, embedded.embeddings, "title", version);
  using image = buildIndex(o.products, embedded.embeddings, "image", version);
  using fixed = buildIndex(o.products, embedded.embeddings, "fixed", version);
  t.buildIndexes = performance.now() - t0, t0 = performance.now();
  const texts = o.queries.map((q) => q.query);
  const plain = await encodeQueries(encoders, texts, false, o.signal);
  const enhanced = await encodeQueries(encoders, texts, true, o.signal);
  t.encodeQueries = performance.now() - t0, t0 = performance.now();
  const bm25 = new Bm25Titles(o.products);
  const warnings: string[] = [];
  const rankings: Record<typeof SYSTEMS[number], string[][]> = {
    "BM25 (titles)": texts.map((q) => bm25.rank(q, 100)),
    "title tower": rankByVectors(title, plain, 100),
    "image tower": rankByVectors(image, plain, 100),
    "fixed 0.5/0.5 fusion": rankByVectors(fixed, enhanced, 100),
    "MAKE w/o KE": rankByVectors(make, plain, 100),
    "MAKE (MA + KE)": rankByVectors(make, enhanced, 100),
    "MAKE as served": await rankServed(make, encoders.query, texts, {
      k: 100,
      warnings,
      signal: o.signal,
    }),
  };
  t.rank = performance.now() - t0;
  return {
    model: { dir: o.modelDir, name: bundle.manifest.name, version },
    device: encoders.device,
    products: o.products.length,
    productsWithImage: embedded.withImage,
    imagesSkipped: embedded.skipped,
    queries: o.queries.length,
    results: SYSTEMS.map((s) => scoreSystem(s, o.queries, rankings[s])),
    timingsMs: Object.fromEntries(
      Object.entries(t).map(([k, v]) => [k, Math.round(v)]),
    ),
    warnings,
  };
}
