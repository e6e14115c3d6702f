/**
 * One training step of MAKE: forward of every tower and Modal Adaptation, the four
 * InfoNCE terms (query→product with memory bank, query→title, query→image, keyword
 * pseudo query→product) with false-negative masking, and backward into `grads`.
 * @module
 */

import type { ModelParams } from "../architecture.ts";
import {
  fusionForward,
  imageHeadForward,
  textTowerForward,
} from "../forward.ts";
import { FRONTEND_SIZE } from "../image_frontend.ts";
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
  readonly title: number;
  readonly image: number;
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
  readonly bank: MemoryBank;
  readonly weights: LossWeights;
}

/** Loss values of one step. */
export interface StepLosses {
  readonly total: number;
  readonly product: number;
  readonly title: number;
  readonly image: number;
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
    const rel = ctx.relevantSets[batch.queries[a] ?? 0];
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

/** Runs forward and backward for `batch`; gradients are added into ctx.grads. */
export function trainStep(ctx: StepContext, batch: Batch): StepLosses {
  const { params: p, grads: g, products: set, weights: w } = ctx;
  const b = batch.queries.length;
  const n = batch.products.length;
  const k = n - b;
  const d = p.config.dims;
  const t = p.config.text.maxTokens;
  const qCache = textTowerForward(
    p.query,
    gather(ctx.queries.ids, batch.queries, t, (m) => new Int32Array(m)),
    b,
  );
  const kCache = textTowerForward(p.query, batch.keywordIds, k);
  const tCache = textTowerForward(
    p.title,
    gather(set.titleIds, batch.products, t, (m) => new Int32Array(m)),
    n,
  );
  const iCache = imageHeadForward(
    p.image,
    gather(
      set.imageFeats,
      batch.products,
      FRONTEND_SIZE,
      (m) => new Float32Array(m),
    ),
    n,
  );
  const has = Float32Array.from(batch.products, (r) => set.hasImage[r] ?? 0);
  const fCache = fusionForward(p.fusion, tCache.out, iCache.out, has, n);

  const candidates = new Float32Array((n + ctx.bank.size) * d);
  candidates.set(fCache.vector);
  candidates.set(ctx.bank.vectors(), n * d);
  const own = Int32Array.from({ length: b }, (_, i) => i);
  const base = { dims: d, logitScale: p.logitScale };
  const lp = infoNce({
    ...base,
    anchors: qCache.out,
    candidates,
    positives: own,
    mask: queryMask(ctx, batch, n + ctx.bank.size, false),
    trainable: n,
  });
  const inBatch = queryMask(ctx, batch, n, false);
  const lt = infoNce({
    ...base,
    anchors: qCache.out,
    candidates: tCache.out,
    positives: own,
    mask: inBatch,
    trainable: n,
  });
  const imagePos = own.map((i) => (has[i] === 1 ? i : -1));
  const li = infoNce({
    ...base,
    anchors: qCache.out,
    candidates: iCache.out,
    positives: imagePos,
    mask: queryMask(ctx, batch, n, true),
    trainable: n,
  });
  const kwMask = new Uint8Array(k * n);
  for (let a = 0; a < k; a++) {
    const pairs = batch.keywordSets[a] ?? [];
    for (let c = 0; c < n; c++) {
      const attrs = set.products[batch.products[c] ?? 0]?.attrs ?? {};
      if (c !== b + a && satisfies(attrs, pairs)) kwMask[a * n + c] = 1;
    }
  }
  const kwPos = Int32Array.from({ length: k }, (_, i) => b + i);
  const lk = infoNce({
    ...base,
    anchors: kCache.out,
    candidates: fCache.vector,
    positives: kwPos,
    mask: kwMask,
    trainable: n,
  });

  // Backward: gather gradients of each output, then run the towers' backward once.
  const dq = new Float32Array(b * d);
  addScaled(dq, lp.dAnchors, 1);
  addScaled(dq, lt.dAnchors, w.title);
  addScaled(dq, li.dAnchors, w.image);
  const dk = new Float32Array(k * d);
  addScaled(dk, lk.dAnchors, w.keyword);
  const df = new Float32Array(n * d);
  addScaled(df, lp.dCandidates, 1);
  addScaled(df, lk.dCandidates, w.keyword);
  const { dTitle, dImage } = fusionBackward(
    p.fusion,
    fCache,
    tCache.out,
    iCache.out,
    df,
    g.fusion,
  );
  addScaled(dTitle, lt.dCandidates, w.title);
  addScaled(dImage, li.dCandidates, w.image);
  textTowerBackward(p.query, qCache, dq, g.query);
  textTowerBackward(p.query, kCache, dk, g.query);
  textTowerBackward(p.title, tCache, dTitle, g.title);
  imageHeadBackward(p.image, iCache, dImage, g.image);
  g.logitScale += lp.dLogitScale + w.title * lt.dLogitScale +
    w.image * li.dLogitScale +
    w.keyword * lk.dLogitScale;

  ctx.bank.push(
    fCache.vector.subarray(0, b * d),
    batch.products.subarray(0, b),
  );
  const total = lp.loss + w.title * lt.loss + w.image * li.loss +
    w.keyword * lk.loss;
  return {
    total,
    product: lp.loss,
    title: lt.loss,
    image: li.loss,
    keyword: lk.loss,
  };
}
