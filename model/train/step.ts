/**
 * One training step of MAKE: forward of every tower and Modal Adaptation, the four
 * InfoNCE terms (query→product with memory bank, query→title, query→image, keyword
 * pseudo query→product) with false-negative masking, and backward into `grads`.
 * @module
 */

import type { ModelParams } from "../architecture.ts";
import {
  type FusionCache,
  fusionForward,
  type ImageCache,
  imageHeadForward,
  type TextCache,
  textTowerForward,
} from "../forward.ts";
import {
  fusionBackward,
  type Grads,
  imageHeadBackward,
  textTowerBackward,
} from "./backward.ts";
import { type Batch, satisfies } from "./batch.ts";
import type { ProductSet, QuerySet } from "./data.ts";
import { infoNce } from "./loss.ts";
import type { MemoryBank } from "./memory_bank.ts";

/** Weights of the auxiliary loss terms (query→product has weight 1). */
export interface LossWeights {
  /** Weight of query→title. */
  readonly title: number;
  /** Weight of query→image. */
  readonly image: number;
  /** Weight of keywords→product. */
  readonly keyword: number;
}

/** Everything a step reads. */
export interface StepContext {
  readonly params: ModelParams;
  readonly grads: Grads;
  readonly products: ProductSet;
  readonly queries: QuerySet;
  /** Per query row: the set of relevant product rows. */
  readonly relevantSets: readonly ReadonlySet<number>[];
  /** Remove candidates that satisfy all of the anchor's keywords from its negatives. */
  readonly maskFalseNegatives: boolean;
  readonly bank: MemoryBank;
  readonly weights: LossWeights;
}

/** Loss values of one step. */
export interface StepLosses {
  /** Weighted sum. */
  readonly total: number;
  /** Query→product (with memory bank). */
  readonly product: number;
  /** Query→title. */
  readonly title: number;
  /** Query→image. */
  readonly image: number;
  /** Keyword pseudo query→product. */
  readonly keyword: number;
}

function gather<T extends Float32Array | Int32Array>(
  src: T,
  rows: Int32Array,
  width: number,
  make: (n: number) => T,
): T {
  const out = make(rows.length * width);
  rows.forEach((r, i) =>
    out.set(src.subarray(r * width, (r + 1) * width), i * width)
  );
  return out;
}

function addScaled(
  into: Float32Array,
  from: Float32Array,
  scale: number,
): void {
  for (let i = 0; i < from.length; i++) {
    into[i] = (into[i] ?? 0) + scale * (from[i] ?? 0);
  }
}

/** Masks for query anchors: relevant (false-negative) candidates, optional image rule. */
function queryMask(
  ctx: StepContext,
  batch: Batch,
  columns: number,
  needImage: boolean,
): Uint8Array {
  const b = batch.queries.length;
  const m = new Uint8Array(b * columns);
  const bankIds = ctx.bank.productRows();
  for (let a = 0; a < b; a++) {
    const rel = ctx.maskFalseNegatives
      ? ctx.relevantSets[batch.queries[a] ?? 0]
      : undefined;
    for (let c = 0; c < columns; c++) {
      const row = c < batch.products.length
        ? batch.products[c] ?? 0
        : bankIds[c - batch.products.length] ?? -1;
      const noImage = needImage && ctx.products.hasImage[row] !== 1;
      if (c !== a && (noImage || rel?.has(row))) m[a * columns + c] = 1;
    }
  }
  return m;
}

/** Forward activations of one batch. */
interface Forward {
  readonly b: number;
  readonly n: number;
  readonly has: Float32Array;
  readonly q: TextCache;
  readonly k: TextCache;
  readonly t: TextCache;
  readonly i: ImageCache;
  readonly f: FusionCache;
}

function forwardBatch(ctx: StepContext, batch: Batch): Forward {
  const { params: p, products: set } = ctx;
  const b = batch.queries.length;
  const n = batch.products.length;
  const t = p.config.text.maxTokens;
  const ints = (m: number) => new Int32Array(m);
  const q = textTowerForward(
    p.query,
    gather(ctx.queries.ids, batch.queries, t, ints),
    b,
  );
  const k = textTowerForward(p.query, batch.keywordIds, n - b);
  const title = textTowerForward(
    p.title,
    gather(set.titleIds, batch.products, t, ints),
    n,
  );
  const feats = gather(
    set.imageFeats,
    batch.products,
    set.featureSize,
    (m) => new Float32Array(m),
  );
  const i = imageHeadForward(p.image, feats, n);
  const has = Float32Array.from(batch.products, (r) => set.hasImage[r] ?? 0);
  const f = fusionForward(p.fusion, title.out, i.out, has, n);
  return { b, n, has, q, k, t: title, i, f };
}

/** Keyword pseudo query a masks every product satisfying all of its keywords. */
function keywordMask(ctx: StepContext, batch: Batch, fw: Forward): Uint8Array {
  const k = fw.n - fw.b;
  const mask = new Uint8Array(k * fw.n);
  for (let a = 0; a < k; a++) {
    const pairs = batch.keywordSets[a] ?? [];
    for (let c = 0; c < fw.n; c++) {
      const attrs = ctx.products.products[batch.products[c] ?? 0]?.attrs ?? {};
      if (c !== fw.b + a && ctx.maskFalseNegatives && satisfies(attrs, pairs)) {
        mask[a * fw.n + c] = 1;
      }
    }
  }
  return mask;
}

/** The four InfoNCE terms. */
function losses(ctx: StepContext, batch: Batch, fw: Forward) {
  const { b, n } = fw;
  const d = ctx.params.config.dims;
  const candidates = new Float32Array((n + ctx.bank.size) * d);
  candidates.set(fw.f.vector);
  candidates.set(ctx.bank.vectors(), n * d);
  const own = Int32Array.from({ length: b }, (_, i) => i);
  const base = { dims: d, logitScale: ctx.params.logitScale, trainable: n };
  const anchors = fw.q.out;
  const inBatch = queryMask(ctx, batch, n, false);
  return {
    product: infoNce({
      ...base,
      anchors,
      candidates,
      positives: own,
      mask: queryMask(ctx, batch, n + ctx.bank.size, false),
    }),
    title: infoNce({
      ...base,
      anchors,
      candidates: fw.t.out,
      positives: own,
      mask: inBatch,
    }),
    image: infoNce({
      ...base,
      anchors,
      candidates: fw.i.out,
      positives: own.map((i) => (fw.has[i] === 1 ? i : -1)),
      mask: queryMask(ctx, batch, n, true),
    }),
    keyword: infoNce({
      ...base,
      anchors: fw.k.out,
      candidates: fw.f.vector,
      positives: Int32Array.from({ length: n - b }, (_, i) => b + i),
      mask: keywordMask(ctx, batch, fw),
    }),
  };
}

/** Runs forward and backward for `batch`; gradients are added into ctx.grads. */
export function trainStep(ctx: StepContext, batch: Batch): StepLosses {
  const { params: p, grads: g, weights: w } = ctx;
  const fw = forwardBatch(ctx, batch);
  const l = losses(ctx, batch, fw);
  const d = p.config.dims;
  const dq = new Float32Array(fw.b * d);
  addScaled(dq, l.product.dAnchors, 1);
  addScaled(dq, l.title.dAnchors, w.title);
  addScaled(dq, l.image.dAnchors, w.image);
  const dk = new Float32Array((fw.n - fw.b) * d);
  addScaled(dk, l.keyword.dAnchors, w.keyword);
  const df = new Float32Array(fw.n * d);
  addScaled(df, l.product.dCandidates, 1);
  addScaled(df, l.keyword.dCandidates, w.keyword);
  const { dTitle, dImage } = fusionBackward(
    p.fusion,
    fw.f,
    fw.t.out,
    fw.i.out,
    df,
    g.fusion,
  );
  addScaled(dTitle, l.title.dCandidates, w.title);
  addScaled(dImage, l.image.dCandidates, w.image);
  textTowerBackward(p.query, fw.q, dq, g.query);
  textTowerBackward(p.query, fw.k, dk, g.query);
  textTowerBackward(p.title, fw.t, dTitle, g.title);
  imageHeadBackward(p.image, fw.i, dImage, g.image);
  g.logitScale += l.product.dLogitScale + w.title * l.title.dLogitScale +
    w.image * l.image.dLogitScale + w.keyword * l.keyword.dLogitScale;
  ctx.bank.push(
    fw.f.vector.subarray(0, fw.b * d),
    batch.products.subarray(0, fw.b),
  );
  return {
    total: l.product.loss + w.title * l.title.loss + w.image * l.image.loss +
      w.keyword * l.keyword.loss,
    product: l.product.loss,
    title: l.title.loss,
    image: l.image.loss,
    keyword: l.keyword.loss,
  };
}
