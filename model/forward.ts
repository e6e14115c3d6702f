/**
 * The model's forward pass in TypeScript: the reference the ONNX graphs must match
 * (parity test) and the trainer's forward (it returns what backward needs).
 * @module
 */

import { denseForward, l2RowsForward, reluForward } from "./_kernels.ts";
import type {
  FusionParams,
  ImageHeadParams,
  TextTowerParams,
} from "./architecture.ts";

/** Text tower activations kept for backward. */
export interface TextCache {
  readonly ids: Int32Array;
  readonly n: number;
  readonly tokens: number;
  readonly mean: Float32Array;
  readonly counts: Float32Array;
  readonly h: Float32Array;
  readonly norms: Float32Array;
  readonly out: Float32Array;
}

/** Mean of the embeddings of the non-zero ids of each row ([n, E]). */
function embeddingBag(
  embed: Float32Array,
  dim: number,
  ids: Int32Array,
  n: number,
  tokens: number,
): { mean: Float32Array; counts: Float32Array } {
  const mean = new Float32Array(n * dim);
  const counts = new Float32Array(n);
  const acc = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    acc.fill(0);
    let count = 0;
    for (let t = 0; t < tokens; t++) {
      const id = ids[i * tokens + t] ?? 0;
      if (id <= 0) continue;
      count++;
      const row = id * dim;
      for (let j = 0; j < dim; j++) {
        acc[j] = (acc[j] ?? 0) + (embed[row + j] ?? 0);
      }
    }
    const c = Math.max(count, 1);
    counts[i] = c;
    for (let j = 0; j < dim; j++) mean[i * dim + j] = (acc[j] ?? 0) / c;
  }
  return { mean, counts };
}

/** Text tower on `n` rows of `tokens` feature ids; `out` is [n, D], L2-normalised. */
export function textTowerForward(
  p: TextTowerParams,
  ids: Int32Array,
  n: number,
): TextCache {
  const dim = p.l1.in;
  const tokens = n === 0 ? 0 : ids.length / n;
  const { mean, counts } = embeddingBag(p.embed, dim, ids, n, tokens);
  const h = reluForward(denseForward(mean, n, p.l1));
  const e = denseForward(h, n, p.l2);
  const skip = denseForward(mean, n, p.skip);
  for (let i = 0; i < e.length; i++) e[i] = (e[i] ?? 0) + (skip[i] ?? 0);
  const { y, norms } = l2RowsForward(e, n, p.l2.out);
  return { ids, n, tokens, mean, counts, h, norms, out: y };
}

/** Image head activations kept for backward. */
export interface ImageCache {
  readonly n: number;
  readonly z: Float32Array;
  readonly h: Float32Array;
  readonly norms: Float32Array;
  readonly out: Float32Array;
}

/** Image head on `n` front-end feature rows; `out` is [n, D], L2-normalised. */
export function imageHeadForward(
  p: ImageHeadParams,
  features: Float32Array,
  n: number,
): ImageCache {
  const f = p.featMean.length;
  const z = new Float32Array(n * f);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) {
      z[i * f + j] = ((features[i * f + j] ?? 0) - (p.featMean[j] ?? 0)) *
        (p.featInvStd[j] ?? 1);
    }
  }
  const h = reluForward(denseForward(z, n, p.l1));
  const e = denseForward(h, n, p.l2);
  const { y, norms } = l2RowsForward(e, n, p.l2.out);
  return { n, z, h, norms, out: y };
}

/** Modal Adaptation activations kept for backward. */
export interface FusionCache {
  readonly n: number;
  readonly cat: Float32Array;
  readonly h: Float32Array;
  /** sigmoid of the MLP's logit, per row. */
  readonly s: Float32Array;
  readonly hasImage: Float32Array;
  readonly norms: Float32Array;
  /** [n, D], L2-normalised. */
  readonly vector: Float32Array;
  /** [n, 2]: title, image; image weight is exactly 0 without an image. */
  readonly weights: Float32Array;
}

/** Modal Adaptation: per-product weights from [title, image], weighted sum, L2. */
export function fusionForward(
  p: FusionParams,
  title: Float32Array,
  image: Float32Array,
  hasImage: Float32Array,
  n: number,
): FusionCache {
  const d = p.l1.in / 2;
  const cat = new Float32Array(n * 2 * d);
  for (let i = 0; i < n; i++) {
    cat.set(title.subarray(i * d, (i + 1) * d), i * 2 * d);
    cat.set(image.subarray(i * d, (i + 1) * d), i * 2 * d + d);
  }
  const h = reluForward(denseForward(cat, n, p.l1));
  const logit = denseForward(h, n, p.l2);
  const s = new Float32Array(n);
  const weights = new Float32Array(n * 2);
  const mixed = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    s[i] = 1 / (1 + Math.exp(-(logit[i] ?? 0)));
    const wi = Math.fround((hasImage[i] ?? 0) * (s[i] ?? 0));
    const wt = Math.fround(1 - wi);
    weights[2 * i] = wt;
    weights[2 * i + 1] = wi;
    for (let j = 0; j < d; j++) {
      mixed[i * d + j] = wt * (title[i * d + j] ?? 0) +
        wi * (image[i * d + j] ?? 0);
    }
  }
  const { y, norms } = l2RowsForward(mixed, n, d);
  return { n, cat, h, s, hasImage, norms, vector: y, weights };
}
