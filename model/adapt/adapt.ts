/**
 * Adapts a bundle to the catalogue it serves, from titles and images alone (no queries,
 * no labels): the image head and Modal Adaptation are trained again, the text towers
 * and the backbone stay as they are. Objective per step, on a batch of products with
 * images, each with a keyword pseudo-query drawn from its own title
 * (./pseudo_queries.ts):
 * - query → fused product (InfoNCE): the product is encoded with its title, or — half the
 *   time — its title without the query's words, so the image must carry them;
 * - query → image, and full title → image (InfoNCE): the image tower alone stays aligned
 *   with the text space;
 * - false negatives masked: another product whose title holds every word of the query.
 * The feature standardisation is measured again on the catalogue's images. Validation:
 * held-out products ranked by their images alone for pseudo-queries of their titles.
 * @module
 */

import { join } from "node:path";
import {
  enhanceQuery,
  KeywordMatcher,
  type KeywordVocabulary,
  type TextSpec,
} from "../../encode/mod.ts";
import { createRng } from "../_kernels.ts";
import type { ModelParams } from "../architecture.ts";
import { writeBundle } from "../bundle.ts";
import {
  fusionForward,
  imageHeadForward,
  type TextCache,
  textTowerForward,
} from "../forward.ts";
import type { FeatureStats } from "../image_features.ts";
import { featureSize } from "../image_frontend.ts";
import { FeatureStore } from "../image_features.ts";
import { readBundleParams } from "../read_bundle.ts";
import { Adam, ScalarAdam } from "../train/adam.ts";
import {
  fusionBackward,
  fusionPairs,
  imageHeadBackward,
  textTowerBackward,
  towerPairs,
  zeroGrads,
} from "../train/backward.ts";
import { recallAtK } from "../train/evaluate.ts";
import { infoNce } from "../train/loss.ts";
import {
  catalogKeywords,
  type PseudoQuery,
  samplePseudoQuery,
  titleWords,
} from "./pseudo_queries.ts";
import { textFeatures } from "../../encode/mod.ts";
import type { TextTowerParams } from "../architecture.ts";

/** A product to adapt on: its title, and a loader of its image's bytes. */
export interface AdaptProduct {
  /** Product id. */
  readonly id: string;
  /** Product title as the catalogue has it. */
  readonly title: string;
  /** The image's bytes; undefined when it has none or it cannot be had. */
  readonly image?: () => Promise<Uint8Array | undefined>;
}

/** Images loaded at once; features are computed per chunk, bytes then dropped. */
const CHUNK = 256;
const LOADS_AT_ONCE = 8;
/** Steps of the Modal Adaptation fit on held-out products. */
const FUSION_STEPS = 150;

/** Progress of {@linkcode adaptBundle}. */
export interface AdaptProgress {
  /** Computing image features, or training. */
  readonly phase: "features" | "train";
  /** Products (features) or steps (train) done. */
  readonly done: number;
  /** Of how many. */
  readonly total: number;
  /** Moving average of the loss (train phase). */
  readonly loss?: number;
}

/** Options of {@linkcode adaptBundle}. */
export interface AdaptOptions {
  /** Bundle to start from (written by this project's exporter). */
  readonly bundleDir: string;
  /** Folder of the new bundle. */
  readonly outDir: string;
  /** The catalogue. */
  readonly products: readonly AdaptProduct[];
  /** Version of the new bundle. */
  readonly version: string;
  /** Optimiser steps. @default 400 */
  readonly steps?: number;
  /** Products per step. @default 256 */
  readonly batchSize?: number;
  /** Learning rate. @default 0.002 */
  readonly lr?: number;
  /** Seed of sampling. @default 1 */
  readonly seed?: number;
  /** Probability that a product is encoded without its query's words. @default 0.5 */
  readonly dropTitleWords?: number;
  /** Fraction of products held out: half fits Modal Adaptation, half validates. @default 0.2 */
  readonly holdout?: number;
  /**
   * Also train the query and title towers on the pseudo-queries (query → title as in
   * MAKE), not only the image head and Modal Adaptation. @default true
   */
  readonly textTowers?: boolean;
  /**
   * Fit Modal Adaptation again, on half of the held-out products, once the towers are
   * trained (off: the bundle's is kept). Not on the training products: the image head
   * fits those better than it will fit new ones, and a fusion fitted there learns to
   * trust the image too much. @default true
   */
  readonly fusion?: boolean;
  /** Folder of the image feature cache; none: no cache. */
  readonly featureCacheDir?: string;
  /** Called after every feature batch and every 10 steps. */
  readonly onProgress?: (p: AdaptProgress) => void;
}

/** Validation figures (held-out products). */
export interface AdaptValidation {
  /** Pseudo-queries → held-out products by image alone: capped recall@10. */
  readonly imageRecall: number;
  /** Same, by fused vectors of titles without the query's words. */
  readonly fusedRecall: number;
  /** Same, by fused vectors of the full titles (as served, before Keyword Enhancement). */
  readonly fullRecall: number;
  /** Mean Modal Adaptation image weight of held-out products (full titles). */
  readonly imageWeight: number;
}

/** What {@linkcode adaptBundle} did. */
export interface AdaptReport {
  /** Name and version of the bundle adapted from. */
  readonly from: string;
  /** Version of the new bundle. */
  readonly version: string;
  /** Products given. */
  readonly products: number;
  /** Of them, with a usable image (the ones trained on). */
  readonly withImages: number;
  /** Catalogue keywords pseudo-queries were drawn from. */
  readonly keywords: number;
  /** Image features from the cache, computed, undecodable. */
  readonly features: FeatureStats;
  /** Optimiser steps of the towers. */
  readonly steps: number;
  /** Validation before adapting. */
  readonly before: AdaptValidation;
  /** Validation after adapting. */
  readonly after: AdaptValidation;
  /** Keyword Enhancement alpha chosen on the held-out products. */
  readonly alpha: number;
  /** Held-out recall@10 (fused, full titles) per alpha tried. */
  readonly alphaRecalls: Record<string, number>;
  /** Wall time of the whole run. */
  readonly elapsedMs: number;
}

interface Prepared {
  readonly titles: string[];
  readonly words: Set<string>[];
  readonly feats: Float32Array;
}

/** Adapts the bundle to `products`; writes the new bundle and returns the report. */
export async function adaptBundle(o: AdaptOptions): Promise<AdaptReport> {
  const t0 = performance.now();
  const params = await readBundleParams(o.bundleDir);
  const manifest = JSON.parse(
    await Deno.readTextFile(join(o.bundleDir, "manifest.json")),
  );
  const vocabulary: KeywordVocabulary = JSON.parse(
    await Deno.readTextFile(
      join(o.bundleDir, manifest.files?.keywords?.path ?? "keywords.json"),
    ),
  );
  if (featureSize(params.config.image) !== params.image.featMean.length) {
    throw new RangeError(
      `Cannot adapt "${o.bundleDir}": its image head takes ${params.image.featMean.length} features, its front end gives ${
        featureSize(params.config.image)
      }`,
    );
  }
  await using store = await FeatureStore.create(params.config.image, {
    cacheDir: o.featureCacheDir,
  });
  const { features, stats } = await catalogFeatures(o, store);
  const rows = o.products.flatMap((_, i) => features[i] ? [i] : []);
  if (rows.length < 8) {
    throw new RangeError(
      `Cannot adapt: ${rows.length} products have a usable image, at least 8 are needed`,
    );
  }
  const titles = rows.map((i) => o.products[i]?.title ?? "");
  const f = store.size;
  const feats = new Float32Array(rows.length * f);
  rows.forEach((r, k) => feats.set(features[r] ?? new Float32Array(f), k * f));
  const data: Prepared = {
    titles,
    words: titles.map((t) => new Set(titleWords(t))),
    feats,
  };
  const keywords = catalogKeywords(titles);
  const rng = createRng(o.seed ?? 1);
  const order = rows.map((_, k) => k);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
  }
  const nVal = Math.max(2, Math.round(rows.length * (o.holdout ?? 0.2)));
  // Held out: half to fit Modal Adaptation on, half to report on.
  const fusionRows = order.slice(0, Math.floor(nVal / 2));
  const val = order.slice(Math.floor(nVal / 2), nVal);
  const train = order.slice(nVal);
  const valQueries = sampleMany(val, data, keywords, createRng(7), 0.5);
  const validate = () => validation(params, data, val, valQueries);
  const before = validate().figures;
  standardise(params, data.feats, train, f);
  const steps = o.steps ?? 400;
  trainAdapted(params, data, train, keywords, {
    steps,
    batchSize: o.batchSize ?? 256,
    lr: o.lr ?? 0.002,
    drop: o.dropTitleWords ?? 0.5,
    textTowers: o.textTowers ?? true,
    rng,
    onProgress: o.onProgress,
  });
  if (o.fusion ?? true) {
    fitFusion(params, data, fusionRows, keywords, {
      drop: o.dropTitleWords ?? 0.5,
      rng,
    });
  }
  const checked = validate();
  const after = checked.figures;
  const ke = chooseAlpha(params, valQueries, checked, vocabulary, [
    0,
    0.25,
    0.5,
    1,
  ]);
  await writeBundle(o.outDir, params, {
    name: manifest.name ?? "make-default",
    version: o.version,
    keywords: vocabulary,
    alpha: ke.alpha,
  });
  return {
    from: `${manifest.name} ${manifest.version}`,
    version: o.version,
    products: o.products.length,
    withImages: rows.length,
    keywords: keywords.size,
    features: stats,
    steps,
    before,
    after,
    alpha: ke.alpha,
    alphaRecalls: ke.recalls,
    elapsedMs: performance.now() - t0,
  };
}

/** Front-end features of every product's image (null without one), chunk by chunk. */
async function catalogFeatures(
  o: AdaptOptions,
  store: FeatureStore,
): Promise<{ features: (Float32Array | null)[]; stats: FeatureStats }> {
  const features: (Float32Array | null)[] = [];
  const stats = { cached: 0, computed: 0, undecodable: 0 };
  const total = o.products.length;
  for (let start = 0; start < total; start += CHUNK) {
    const chunk = o.products.slice(start, start + CHUNK);
    const bytes: (Uint8Array | undefined)[] = new Array(chunk.length);
    let next = 0;
    const worker = async () => {
      while (next < chunk.length) {
        const i = next++;
        bytes[i] = await chunk[i]?.image?.();
      }
    };
    await Promise.all(Array.from({ length: LOADS_AT_ONCE }, worker));
    const got = await store.features(bytes);
    features.push(...got.features);
    stats.cached += got.stats.cached;
    stats.computed += got.stats.computed;
    stats.undecodable += got.stats.undecodable;
    o.onProgress?.({ phase: "features", done: features.length, total });
  }
  return { features, stats };
}

/** Per-feature mean and 1/std measured on the training rows (in place). */
function standardise(
  params: ModelParams,
  feats: Float32Array,
  rows: readonly number[],
  f: number,
): void {
  const mean = new Float64Array(f);
  const sq = new Float64Array(f);
  for (const r of rows) {
    for (let j = 0; j < f; j++) {
      const v = feats[r * f + j] ?? 0;
      mean[j] = (mean[j] ?? 0) + v;
      sq[j] = (sq[j] ?? 0) + v * v;
    }
  }
  for (let j = 0; j < f; j++) {
    const m = (mean[j] ?? 0) / rows.length;
    const variance = (sq[j] ?? 0) / rows.length - m * m;
    params.image.featMean[j] = m;
    params.image.featInvStd[j] = 1 / Math.sqrt(Math.max(variance, 0) + 1e-4);
  }
}

interface Sampled {
  readonly row: number;
  readonly pq: PseudoQuery;
}

function sampleMany(
  rows: readonly number[],
  data: Prepared,
  keywords: ReadonlySet<string>,
  rng: () => number,
  drop: number,
): Sampled[] {
  return rows.flatMap((row) => {
    const pq = samplePseudoQuery(data.titles[row] ?? "", keywords, rng, drop);
    return pq ? [{ row, pq }] : [];
  });
}

/** 1 where candidate b satisfies every word of anchor a's query (and b ≠ a's row). */
function falseNegatives(
  batch: readonly Sampled[],
  candidates: readonly number[],
  data: Prepared,
): Uint8Array {
  const m = candidates.length;
  const mask = new Uint8Array(batch.length * m);
  batch.forEach((s, a) => {
    candidates.forEach((row, b) => {
      if (row === s.row) return;
      const words = data.words[row];
      if (s.pq.words.every((w) => words?.has(w))) mask[a * m + b] = 1;
    });
  });
  return mask;
}

function gatherRows(
  src: Float32Array,
  rows: readonly number[],
  width: number,
): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((r, k) =>
    out.set(src.subarray(r * width, (r + 1) * width), k * width)
  );
  return out;
}

interface TrainAdaptedOptions {
  readonly steps: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly drop: number;
  readonly textTowers: boolean;
  readonly rng: () => number;
  readonly onProgress?: (p: AdaptProgress) => void;
}

function trainAdapted(
  params: ModelParams,
  data: Prepared,
  train: readonly number[],
  keywords: ReadonlySet<string>,
  o: TrainAdaptedOptions,
): void {
  const { dims: d } = params.config;
  const f = params.image.featMean.length;
  const grads = zeroGrads(params);
  const { text } = params.config;
  const pairs: [Float32Array, Float32Array][] = [
    ...(o.textTowers ? towerPairs(params, grads) : [
      [params.image.l1.w, grads.image.l1.w],
      [params.image.l1.b, grads.image.l1.b],
      [params.image.l2.w, grads.image.l2.w],
      [params.image.l2.b, grads.image.l2.b],
    ] as [Float32Array, Float32Array][]),
  ];
  const adam = new Adam(pairs, { lr: o.lr });
  const scaleAdam = new ScalarAdam();
  params.logitScale = Math.log(1 / 0.05);
  let ema = 0;
  for (let step = 0; step < o.steps; step++) {
    const picks = Array.from(
      { length: Math.min(o.batchSize, train.length) },
      () => train[Math.floor(o.rng() * train.length)] ?? 0,
    );
    const batch = sampleMany(
      [...new Set(picks)],
      data,
      keywords,
      o.rng,
      o.drop,
    );
    if (batch.length < 2) continue;
    const rows = batch.map((s) => s.row);
    const n = batch.length;
    const qc = textTowerForward(
      params.query,
      idsOf(batch.map((s) => s.pq.query), text),
      n,
    );
    const tc = textTowerForward(
      params.title,
      idsOf(batch.map((s) => s.pq.title), text),
      n,
    );
    const fc = textTowerForward(
      params.title,
      idsOf(rows.map((r) => data.titles[r] ?? ""), text),
      n,
    );
    const q = qc.out;
    const titles = tc.out;
    const img = imageHeadForward(
      params.image,
      gatherRows(data.feats, rows, f),
      n,
    );
    const has = new Float32Array(n).fill(1);
    const fused = fusionForward(params.fusion, titles, img.out, has, n);
    const positives = Int32Array.from(batch, (_, i) => i);
    const mask = falseNegatives(batch, rows, data);
    const common = {
      dims: d,
      positives,
      logitScale: params.logitScale,
      trainable: n,
    };
    const lp = infoNce({
      ...common,
      anchors: q,
      candidates: fused.vector,
      mask,
    });
    const li = infoNce({ ...common, anchors: q, candidates: img.out, mask });
    const titleMask = new Uint8Array(n * n);
    batch.forEach((s, a) =>
      batch.forEach((t, b) => {
        if (a !== b && data.titles[s.row] === data.titles[t.row]) {
          titleMask[a * n + b] = 1;
        }
      })
    );
    const lt = infoNce({
      ...common,
      anchors: fc.out,
      candidates: img.out,
      mask: titleMask,
    });
    // MAKE's query → title term keeps the text towers aligned with each other.
    const lq = infoNce({ ...common, anchors: q, candidates: fc.out, mask });
    const { dTitle, dImage } = fusionBackward(
      params.fusion,
      fused,
      titles,
      img.out,
      lp.dCandidates,
      grads.fusion,
    );
    for (let i = 0; i < dImage.length; i++) {
      dImage[i] = (dImage[i] ?? 0) + 0.5 * (li.dCandidates[i] ?? 0) +
        0.5 * (lt.dCandidates[i] ?? 0);
    }
    imageHeadBackward(params.image, img, dImage, grads.image);
    if (o.textTowers) {
      backwardText(params.query, qc, [[lp.dAnchors, 1], [li.dAnchors, 0.5], [
        lq.dAnchors,
        0.5,
      ]], grads.query);
      backwardText(params.title, fc, [[lt.dAnchors, 0.5], [
        lq.dCandidates,
        0.5,
      ]], grads.title);
      backwardText(params.title, tc, [[dTitle, 1]], grads.title);
    }
    const lr = o.lr * (0.1 + 0.45 * (1 + Math.cos(Math.PI * step / o.steps)));
    adam.step(lr);
    const dScale = lp.dLogitScale +
      0.5 * (li.dLogitScale + lt.dLogitScale + lq.dLogitScale);
    params.logitScale = Math.min(
      Math.log(100),
      Math.max(0, scaleAdam.step(params.logitScale, dScale, lr)),
    );
    const loss = lp.loss + 0.5 * (li.loss + lt.loss + lq.loss);
    ema = step === 0 ? loss : 0.9 * ema + 0.1 * loss;
    if ((step + 1) % 10 === 0 || step + 1 === o.steps) {
      o.onProgress?.({
        phase: "train",
        done: step + 1,
        total: o.steps,
        loss: ema,
      });
    }
  }
}

/**
 * Modal Adaptation alone, fitted on `rows` (products neither tower was trained on):
 * query → fused product InfoNCE with titles that lose a query word half the time.
 */
function fitFusion(
  params: ModelParams,
  data: Prepared,
  rows: readonly number[],
  keywords: ReadonlySet<string>,
  o: { readonly drop: number; readonly rng: () => number },
): void {
  const { text, dims: d } = params.config;
  const f = params.image.featMean.length;
  const grads = zeroGrads(params);
  const adam = new Adam(fusionPairs(params, grads), { lr: 0.003 });
  const img =
    imageHeadForward(params.image, gatherRows(data.feats, rows, f), rows.length)
      .out;
  const at = new Map(rows.map((r, k) => [r, k]));
  for (let step = 0; step < FUSION_STEPS; step++) {
    const batch = sampleMany(rows, data, keywords, o.rng, o.drop);
    if (batch.length < 2) return;
    const n = batch.length;
    const q = encodeTexts(params.query, batch.map((s) => s.pq.query), text);
    const titles = encodeTexts(
      params.title,
      batch.map((s) => s.pq.title),
      text,
    );
    const images = gatherRows(img, batch.map((s) => at.get(s.row) ?? 0), d);
    const has = new Float32Array(n).fill(1);
    const fused = fusionForward(params.fusion, titles, images, has, n);
    const lp = infoNce({
      anchors: q,
      candidates: fused.vector,
      dims: d,
      positives: Int32Array.from(batch, (_, i) => i),
      mask: falseNegatives(batch, batch.map((s) => s.row), data),
      logitScale: params.logitScale,
      trainable: n,
    });
    fusionBackward(
      params.fusion,
      fused,
      titles,
      images,
      lp.dCandidates,
      grads.fusion,
    );
    adam.step(
      0.003 * (0.1 + 0.45 * (1 + Math.cos(Math.PI * step / FUSION_STEPS))),
    );
  }
}

/** Validation figures, and the held-out fused vectors and relevance they came from. */
interface Checked {
  readonly figures: AdaptValidation;
  readonly fused: Float32Array;
  readonly relevant: readonly (readonly number[])[];
}

function validation(
  params: ModelParams,
  data: Prepared,
  val: readonly number[],
  queries: readonly Sampled[],
): Checked {
  const { dims: d } = params.config;
  const f = params.image.featMean.length;
  const n = val.length;
  const img = imageHeadForward(params.image, gatherRows(data.feats, val, f), n)
    .out;
  const has = new Float32Array(n).fill(1);
  const { text } = params.config;
  const full = fusionForward(
    params.fusion,
    encodeTexts(params.title, val.map((r) => data.titles[r] ?? ""), text),
    img,
    has,
    n,
  );
  let weight = 0;
  for (let i = 0; i < n; i++) weight += full.weights[2 * i + 1] ?? 0;
  const q = encodeTexts(params.query, queries.map((s) => s.pq.query), text);
  const relevant = queries.map((s) =>
    val.flatMap((row, b) =>
      s.pq.words.every((w) => data.words[row]?.has(w)) ? [b] : []
    )
  );
  // Every held-out title without any query word: what the image alone must carry.
  const allWords = new Set(queries.flatMap((s) => s.pq.words));
  const stripped = encodeTexts(
    params.title,
    val.map((row) =>
      titleWords(data.titles[row] ?? "").filter((w) => !allWords.has(w)).join(
        " ",
      )
    ),
    text,
  );
  const fused = fusionForward(params.fusion, stripped, img, has, n).vector;
  return {
    figures: {
      imageRecall: recallAtK(q, img, { relevant, dims: d }),
      fusedRecall: recallAtK(q, fused, { relevant, dims: d }),
      fullRecall: recallAtK(q, full.vector, { relevant, dims: d }),
      imageWeight: n === 0 ? 0 : weight / n,
    },
    fused: full.vector,
    relevant,
  };
}

/**
 * Keyword Enhancement strength for the adapted towers: the alpha among `candidates`
 * whose enhanced pseudo-queries rank the held-out products best (fused, full titles);
 * ties go to the smaller alpha.
 */
function chooseAlpha(
  params: ModelParams,
  queries: readonly Sampled[],
  v: Checked,
  vocabulary: KeywordVocabulary,
  candidates: readonly number[],
): { alpha: number; recalls: Record<string, number> } {
  const { text, dims: d } = params.config;
  const matcher = new KeywordMatcher(vocabulary);
  const texts = queries.map((s) => s.pq.query);
  const q = encodeTexts(params.query, texts, text);
  const hits = texts.map((t) => matcher.match(t).map((h) => h.term));
  const terms = [...new Set(hits.flat())];
  const termVectors = encodeTexts(params.query, terms, text);
  const termIndex = new Map(terms.map((t, i) => [t, i]));
  const recalls: Record<string, number> = {};
  let best = { alpha: 0, recall: -1 };
  for (const alpha of candidates) {
    const enhanced = new Float32Array(q.length);
    texts.forEach((_, i) => {
      const vectors = (hits[i] ?? []).map((t) => {
        const k = termIndex.get(t) ?? 0;
        return termVectors.subarray(k * d, (k + 1) * d);
      });
      enhanced.set(
        enhanceQuery(q.subarray(i * d, (i + 1) * d), vectors, alpha),
        i * d,
      );
    });
    const recall = recallAtK(enhanced, v.fused, {
      relevant: v.relevant,
      dims: d,
    });
    recalls[String(alpha)] = recall;
    if (recall > best.recall) best = { alpha, recall };
  }
  return { alpha: best.alpha, recalls };
}

/** Feature ids of `texts`, [n, T]. */
function idsOf(texts: readonly string[], spec: TextSpec): Int32Array {
  const t = spec.maxTokens;
  const ids = new Int32Array(texts.length * t);
  texts.forEach((x, i) => ids.set(textFeatures(x, spec), i * t));
  return ids;
}

/** Text tower embeddings of `texts` with the current parameters, [n, D]. */
function encodeTexts(
  p: TextTowerParams,
  texts: readonly string[],
  spec: TextSpec,
): Float32Array {
  const d = p.l2.out;
  const out = new Float32Array(texts.length * d);
  for (let s = 0; s < texts.length; s += 512) {
    const chunk = texts.slice(s, s + 512);
    out.set(
      textTowerForward(p, idsOf(chunk, spec), chunk.length).out,
      s * d,
    );
  }
  return out;
}

/** Backward of a text tower for a weighted sum of output gradients. */
function backwardText(
  p: TextTowerParams,
  cache: TextCache,
  parts: readonly (readonly [Float32Array, number])[],
  g: TextTowerParams,
): void {
  const d = new Float32Array(cache.out.length);
  for (const [grad, w] of parts) {
    for (let i = 0; i < d.length; i++) d[i] = (d[i] ?? 0) + w * (grad[i] ?? 0);
  }
  textTowerBackward(p, cache, d, g);
}
