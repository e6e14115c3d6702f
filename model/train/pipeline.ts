/**
 * Catalogue folder → trained bundle: loads the train and val splits, builds the keyword
 * vocabulary, trains, chooses the Keyword Enhancement alpha on the validation split,
 * writes the bundle and checks ONNX parity on validation inputs.
 * @module
 */

import type { KeywordTerm } from "../../encode/mod.ts";
import {
  initParams,
  type ModelConfig,
  type ModelParams,
} from "../architecture.ts";
import { writeBundle } from "../bundle.ts";
import {
  buildProductSet,
  buildQuerySet,
  type CatalogProduct,
  readProducts,
  readQueries,
  readSplits,
} from "./data.ts";
import { chooseAlpha } from "./evaluate.ts";
import { checkParity, type ParityReport } from "./parity.ts";
import {
  type TrainData,
  trainModel,
  type TrainOptions,
  type TrainReport,
} from "./trainer.ts";
import { buildVocabulary } from "./vocabulary.ts";
import { FeatureStore } from "../image_features.ts";
import { decodeImage } from "../../encode/mod.ts";
import { imageSpecOf } from "../image_features.ts";

/** Options of {@linkcode trainBundle}. */
export interface TrainBundleOptions {
  /** Catalogue folder (products.jsonl, splits.json, queries-*.jsonl, images). */
  readonly catalogDir: string;
  /** Bundle folder to write. */
  readonly outDir: string;
  /** Model sizes. */
  readonly config: ModelConfig;
  /** Seed of initialisation and batches. */
  readonly seed: number;
  /** Version written to the manifest. */
  readonly version: string;
  /** Training loop options. */
  readonly train: Omit<TrainOptions, "vocabulary" | "seed">;
  /** Extra vocabulary terms (surface forms) beyond attribute values. */
  readonly extraTerms?: readonly KeywordTerm[];
  /** Adds derived attributes (e.g. a colour family) to each product. */
  readonly enrich?: (p: CatalogProduct) => CatalogProduct;
  /** Alpha values tried on the validation split. */
  readonly alphas?: readonly number[];
  /** Status lines (loading, choosing alpha…). */
  readonly log?: (line: string) => void;
  /** Folder of the image feature cache (model/image_features.ts); none: no cache. */
  readonly featureCacheDir?: string;
}

/** What {@linkcode trainBundle} did. */
export interface TrainBundleReport {
  /** Products per split used. */
  readonly products: { readonly train: number; readonly val: number };
  /** Queries per split used. */
  readonly queries: { readonly train: number; readonly val: number };
  /** Images decoded (train + val). */
  readonly imagesDecoded: number;
  /** Time to read and decode the catalogue. */
  readonly loadMs: number;
  /** What the training loop did. */
  readonly train: TrainReport;
  /** Chosen Keyword Enhancement alpha. */
  readonly alpha: number;
  /** Validation recall@10 per alpha tried. */
  readonly alphaRecalls: Record<string, number>;
  /** Number of keyword terms. */
  readonly vocabularySize: number;
  /** ONNX parity of the written bundle. */
  readonly parity: ParityReport;
}

/** Reads and decodes the train and val splits of a catalogue folder. */
async function loadSplits(
  options: TrainBundleOptions,
  log: (line: string) => void,
): Promise<TrainData> {
  const dir = options.catalogDir;
  const all = (await readProducts(dir)).map(options.enrich ?? ((p) => p));
  const splits = await readSplits(dir);
  const pick = (name: string) => {
    const ids = new Set(splits[name] ?? []);
    return all.filter((p) => ids.has(p.id));
  };
  const { config } = options;
  await using store = await FeatureStore.create(config.image, {
    cacheDir: options.featureCacheDir,
  });
  const train = await buildProductSet(pick("train"), config, {
    store,
    onProgress: (n) => log(`image features (train) ${n}`),
  });
  const val = await buildProductSet(pick("val"), config, {
    store,
    onProgress: (n) => log(`image features (val) ${n}`),
  });
  return {
    train,
    trainQueries: buildQuerySet(
      await readQueries(dir, "train"),
      train,
      config.text,
    ),
    val,
    valQueries: buildQuerySet(await readQueries(dir, "val"), val, config.text),
  };
}

/** Trains a bundle from a catalogue folder into `outDir`. */
export async function trainBundle(
  options: TrainBundleOptions,
): Promise<TrainBundleReport> {
  const log = options.log ?? (() => {});
  const t0 = performance.now();
  const data = await loadSplits(options, log);
  const { train, trainQueries, val, valQueries } = data;
  const { config } = options;
  const loadMs = performance.now() - t0;
  log(
    `loaded ${train.products.length} train / ${val.products.length} val products in ${
      (loadMs / 1000).toFixed(1)
    } s`,
  );
  const vocabulary = buildVocabulary(train.products, options.extraTerms);
  const params = initParams(config, options.seed);
  const report = trainModel(params, data, {
    ...options.train,
    seed: options.seed,
    vocabulary,
  });
  const { alpha, recalls } = chooseAlpha(params, val, valQueries, {
    vocabulary,
    candidates: options.alphas ?? [0, 0.1, 0.2, 0.35, 0.5, 0.75, 1],
  });
  log(
    `validation recall@10 by alpha: ${
      JSON.stringify(recalls)
    } → alpha ${alpha}`,
  );
  await writeBundle(options.outDir, params, {
    version: options.version,
    keywords: vocabulary,
    alpha,
  });
  const parity = await parityOnValidation(
    options.outDir,
    params,
    val.products,
    valQueries.ids,
  );
  return {
    products: { train: train.products.length, val: val.products.length },
    queries: {
      train: trainQueries.queries.length,
      val: valQueries.queries.length,
    },
    imagesDecoded: train.hasImage.reduce((s, v) => s + v, 0) +
      val.hasImage.reduce((s, v) => s + v, 0),
    loadMs,
    train: report,
    alpha,
    alphaRecalls: recalls,
    vocabularySize: vocabulary.keywords.length,
    parity,
  };
}

/** Parity on up to 32 validation queries and product images (decoded as at serving). */
async function parityOnValidation(
  dir: string,
  params: ModelParams,
  products: readonly CatalogProduct[],
  queryIds: Int32Array,
): Promise<ParityReport> {
  const t = params.config.text.maxTokens;
  const withImages = products.filter((p) => p.imagePath !== undefined).slice(
    0,
    32,
  );
  const m = withImages.length;
  const side = params.config.image.width;
  const pixels = new Float32Array(m * 3 * side * side);
  const hasImage = new Float32Array(m);
  for (const [i, p] of withImages.entries()) {
    const result = await decodeImage(
      await Deno.readFile(p.imagePath ?? ""),
      imageSpecOf(params.config.image),
    );
    if (result.kind !== "ok") continue;
    pixels.set(result.tensor.data, i * 3 * side * side);
    hasImage[i] = i % 4 === 3 ? 0 : 1;
  }
  const rows = Math.max(m, Math.min(32, queryIds.length / t));
  const ids = new Int32Array(rows * t);
  ids.set(queryIds.subarray(0, Math.min(rows * t, queryIds.length)));
  return await checkParity(dir, params, { ids, pixels, hasImage });
}
