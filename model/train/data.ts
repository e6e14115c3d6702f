/**
 * Loads a catalogue folder (products.jsonl, images, splits.json, queries-<split>.jsonl,
 * as written by `deno task catalog`) into training tensors: title feature ids, image
 * front-end features (decoded by the encode stage exactly as at serving time), query
 * feature ids and relevance.
 * @module
 */

import { isAbsolute, join } from "node:path";
import { textFeatures, type TextSpec } from "../../encode/mod.ts";
import type { ModelConfig } from "../architecture.ts";
import type { FeatureStore } from "../image_features.ts";

/** One product of the catalogue. */
export interface CatalogProduct {
  /** Product id. */
  readonly id: string;
  /** Product title. */
  readonly title: string;
  /** Attributes as strings (type, colour, brand, …). */
  readonly attrs: Readonly<Record<string, string>>;
  /** Absolute or catalogue-relative image path, if any. */
  readonly imagePath?: string;
}

/** One query with its relevant product ids. */
export interface CatalogQuery {
  readonly qid: string;
  readonly query: string;
  readonly relevant: readonly string[];
}

/** Products of one split, as tensors. */
export interface ProductSet {
  readonly products: readonly CatalogProduct[];
  readonly index: ReadonlyMap<string, number>;
  /** [n, T] title feature ids. */
  readonly titleIds: Int32Array;
  /** F: front-end features per image. */
  readonly featureSize: number;
  /** [n, F] image front-end features (zeros without an image). */
  readonly imageFeats: Float32Array;
  /** [n]: 1 with a decoded image, else 0. */
  readonly hasImage: Float32Array;
}

/** Queries of one split, as tensors; relevance as indices into a ProductSet. */
export interface QuerySet {
  readonly queries: readonly CatalogQuery[];
  /** [q, T] query feature ids. */
  readonly ids: Int32Array;
  readonly relevant: readonly (readonly number[])[];
}

async function readJsonLines(path: string): Promise<unknown[]> {
  const text = await Deno.readTextFile(path);
  return text.split("\n").filter((l) => l.trim() !== "").map((line, i) => {
    try {
      return JSON.parse(line);
    } catch (err) {
      throw new SyntaxError(`Cannot parse "${path}" line ${i + 1}`, {
        cause: err,
      });
    }
  });
}

/** Reads products.jsonl (upsert events) of a catalogue folder. */
export async function readProducts(dir: string): Promise<CatalogProduct[]> {
  const lines = await readJsonLines(join(dir, "products.jsonl"));
  return lines.map((line, i) => {
    const e = line as Record<string, unknown>;
    if (
      e.op !== "upsert" || typeof e.id !== "string" ||
      typeof e.title !== "string"
    ) {
      throw new TypeError(
        `Cannot read product ${i + 1} of "${dir}": not an upsert event`,
      );
    }
    const attrs: Record<string, string> = {};
    for (
      const [k, v] of Object.entries((e.attrs ?? {}) as Record<string, unknown>)
    ) {
      attrs[k] = String(v);
    }
    const image = e.image as { path?: unknown } | undefined;
    const path = typeof image?.path === "string" ? image.path : undefined;
    const imagePath = path === undefined
      ? undefined
      : isAbsolute(path)
      ? path
      : join(dir, path);
    return { id: e.id, title: e.title, attrs, imagePath };
  });
}

/** Reads queries-<split>.jsonl. */
export async function readQueries(
  dir: string,
  split: string,
): Promise<CatalogQuery[]> {
  const lines = await readJsonLines(join(dir, `queries-${split}.jsonl`));
  return lines.map((line) => {
    const q = line as { qid?: unknown; query?: unknown; relevant?: unknown };
    if (typeof q.query !== "string" || !Array.isArray(q.relevant)) {
      throw new TypeError(`Cannot read query in "${dir}" split "${split}"`);
    }
    return {
      qid: String(q.qid),
      query: q.query,
      relevant: q.relevant.map(String),
    };
  });
}

/** Reads splits.json: split name → product ids. */
export async function readSplits(
  dir: string,
): Promise<Record<string, string[]>> {
  return JSON.parse(await Deno.readTextFile(join(dir, "splits.json")));
}

/** The bytes of an image file, or undefined when there is none. */
async function readImage(
  path: string | undefined,
): Promise<Uint8Array | undefined> {
  if (path === undefined) return undefined;
  try {
    return await Deno.readFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/** Options of {@linkcode buildProductSet}. */
export interface ProductSetOptions {
  /** Front-end features (and their cache) for the model's image spec. */
  readonly store: FeatureStore;
  /** Called after every batch of images with the number done. */
  readonly onProgress?: (done: number) => void;
}

/** Tensors for `products`: title ids and image front-end features. */
export async function buildProductSet(
  products: readonly CatalogProduct[],
  config: ModelConfig,
  options: ProductSetOptions,
): Promise<ProductSet> {
  const n = products.length;
  const t = config.text.maxTokens;
  const f = options.store.size;
  const titleIds = new Int32Array(n * t);
  const imageFeats = new Float32Array(n * f);
  const hasImage = new Float32Array(n);
  products.forEach((p, i) =>
    titleIds.set(textFeatures(p.title, config.text), i * t)
  );
  const images = await Promise.all(products.map((p) => readImage(p.imagePath)));
  const { features } = await options.store.features(images, options.onProgress);
  features.forEach((feats, i) => {
    if (feats === null) return;
    imageFeats.set(feats, i * f);
    hasImage[i] = 1;
  });
  const index = new Map(products.map((p, i) => [p.id, i]));
  return { products, index, titleIds, featureSize: f, imageFeats, hasImage };
}

/** Tensors for `queries`, relevance restricted to products in `set`. */
export function buildQuerySet(
  queries: readonly CatalogQuery[],
  set: ProductSet,
  text: TextSpec,
): QuerySet {
  const kept = queries.filter((q) =>
    q.relevant.some((id) => set.index.has(id))
  );
  const ids = new Int32Array(kept.length * text.maxTokens);
  kept.forEach((q, i) =>
    ids.set(textFeatures(q.query, text), i * text.maxTokens)
  );
  const relevant = kept.map((q) =>
    q.relevant.flatMap((id) => {
      const i = set.index.get(id);
      return i === undefined ? [] : [i];
    })
  );
  return { queries: kept, ids, relevant };
}

/** Per-feature mean and 1/std over images that exist (standardises the head's input). */
export function featureStats(
  set: ProductSet,
): { mean: Float32Array; invStd: Float32Array } {
  const f = set.featureSize;
  const sum = new Float64Array(f);
  const sq = new Float64Array(f);
  let count = 0;
  set.hasImage.forEach((has, i) => {
    if (has !== 1) return;
    count++;
    for (let j = 0; j < f; j++) {
      const v = set.imageFeats[i * f + j] ?? 0;
      sum[j] = (sum[j] ?? 0) + v;
      sq[j] = (sq[j] ?? 0) + v * v;
    }
  });
  const mean = new Float32Array(f);
  const invStd = new Float32Array(f);
  for (let j = 0; j < f; j++) {
    const m = count > 0 ? (sum[j] ?? 0) / count : 0;
    const variance = count > 0 ? (sq[j] ?? 0) / count - m * m : 1;
    mean[j] = m;
    invStd[j] = 1 / Math.sqrt(Math.max(variance, 0) + 1e-4);
  }
  return { mean, invStd };
}
