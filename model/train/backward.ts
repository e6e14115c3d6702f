/**
 * Backward passes of the model's parts (hand-written, checked against finite
 * differences in backward_test.ts). Each adds parameter gradients into a gradient
 * object shaped like the parameters and returns the gradient of its inputs.
 * @module
 */

import {
  type Dense,
  denseBackward,
  l2RowsBackward,
  reluBackward,
  zeroDense,
} from "../_kernels.ts";
import type {
  FusionParams,
  ImageHeadParams,
  ModelParams,
  TextTowerParams,
} from "../architecture.ts";
import type { FusionCache, ImageCache, TextCache } from "../forward.ts";

/** Gradients, shaped like the trainable parameters. */
export interface Grads {
  readonly query: TextTowerParams;
  readonly title: TextTowerParams;
  readonly image: ImageHeadParams;
  readonly fusion: FusionParams;
  logitScale: number;
}

function zeroLike(d: Dense): Dense {
  return zeroDense(d.in, d.out);
}

function zeroText(p: TextTowerParams): TextTowerParams {
  return {
    embed: new Float32Array(p.embed.length),
    l1: zeroLike(p.l1),
    l2: zeroLike(p.l2),
    skip: zeroLike(p.skip),
  };
}

/** Zero gradients for `params`. */
export function zeroGrads(params: ModelParams): Grads {
  return {
    query: zeroText(params.query),
    title: zeroText(params.title),
    image: {
      featMean: new Float32Array(0),
      featInvStd: new Float32Array(0),
      l1: zeroLike(params.image.l1),
      l2: zeroLike(params.image.l2),
    },
    fusion: { l1: zeroLike(params.fusion.l1), l2: zeroLike(params.fusion.l2) },
    logitScale: 0,
  };
}

function dense(p: Dense, g: Dense): [Float32Array, Float32Array][] {
  return [[p.w, g.w], [p.b, g.b]];
}

/** The (parameter, gradient) pairs of Modal Adaptation. */
export function fusionPairs(
  params: ModelParams,
  grads: Grads,
): [Float32Array, Float32Array][] {
  return [
    ...dense(params.fusion.l1, grads.fusion.l1),
    ...dense(params.fusion.l2, grads.fusion.l2),
  ];
}

/** The (parameter, gradient) pairs of the three towers. */
export function towerPairs(
  params: ModelParams,
  grads: Grads,
): [Float32Array, Float32Array][] {
  const text = (p: TextTowerParams, g: TextTowerParams) => [
    [p.embed, g.embed] as [Float32Array, Float32Array],
    ...dense(p.l1, g.l1),
    ...dense(p.l2, g.l2),
    ...dense(p.skip, g.skip),
  ];
  return [
    ...text(params.query, grads.query),
    ...text(params.title, grads.title),
    ...dense(params.image.l1, grads.image.l1),
    ...dense(params.image.l2, grads.image.l2),
  ];
}

/** Backward of the text tower; adds into `g` (embedding rows of padding stay zero). */
export function textTowerBackward(
  p: TextTowerParams,
  c: TextCache,
  dOut: Float32Array,
  g: TextTowerParams,
): void {
  const { n, tokens, ids } = c;
  const dim = p.l1.in;
  const de = l2RowsBackward(c.out, c.norms, dOut, n, p.l2.out);
  const dh = denseBackward(c.h, n, p.l2, de, g.l2) ?? new Float32Array();
  const dMeanSkip = denseBackward(c.mean, n, p.skip, de, g.skip) ??
    new Float32Array();
  const dMean = denseBackward(c.mean, n, p.l1, reluBackward(c.h, dh), g.l1) ??
    new Float32Array();
  const gEmbed = g.embed;
  for (let i = 0; i < n; i++) {
    const scale = 1 / (c.counts[i] ?? 1);
    for (let t = 0; t < tokens; t++) {
      const id = ids[i * tokens + t] ?? 0;
      if (id <= 0) continue;
      const row = id * dim;
      for (let j = 0; j < dim; j++) {
        const grad =
          ((dMean[i * dim + j] ?? 0) + (dMeanSkip[i * dim + j] ?? 0)) * scale;
        gEmbed[row + j] = (gEmbed[row + j] ?? 0) + grad;
      }
    }
  }
}

/** Backward of the image head (the front end is fixed: no input gradient). */
export function imageHeadBackward(
  p: ImageHeadParams,
  c: ImageCache,
  dOut: Float32Array,
  g: ImageHeadParams,
): void {
  const de = l2RowsBackward(c.out, c.norms, dOut, c.n, p.l2.out);
  const dh = denseBackward(c.h, c.n, p.l2, de, g.l2) ?? new Float32Array();
  denseBackward(c.z, c.n, p.l1, reluBackward(c.h, dh), g.l1, false);
}

/** Backward of Modal Adaptation; returns gradients of the title and image inputs. */
export function fusionBackward(
  p: FusionParams,
  c: FusionCache,
  title: Float32Array,
  image: Float32Array,
  dVector: Float32Array,
  g: FusionParams,
): { dTitle: Float32Array; dImage: Float32Array } {
  const { n } = c;
  const d = p.l1.in / 2;
  const dMixed = l2RowsBackward(c.vector, c.norms, dVector, n, d);
  const dTitle = new Float32Array(n * d);
  const dImage = new Float32Array(n * d);
  const dLogit = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const wt = c.weights[2 * i] ?? 1;
    const wi = c.weights[2 * i + 1] ?? 0;
    let dwi = 0;
    for (let j = 0; j < d; j++) {
      const gm = dMixed[i * d + j] ?? 0;
      dTitle[i * d + j] = wt * gm;
      dImage[i * d + j] = wi * gm;
      dwi += gm * ((image[i * d + j] ?? 0) - (title[i * d + j] ?? 0));
    }
    const s = c.s[i] ?? 0;
    dLogit[i] = dwi * (c.hasImage[i] ?? 0) * s * (1 - s);
  }
  const dh = denseBackward(c.h, n, p.l2, dLogit, g.l2) ?? new Float32Array();
  const dCat = denseBackward(c.cat, n, p.l1, reluBackward(c.h, dh), g.l1) ??
    new Float32Array();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      dTitle[i * d + j] = (dTitle[i * d + j] ?? 0) + (dCat[i * 2 * d + j] ?? 0);
      dImage[i * d + j] = (dImage[i * d + j] ?? 0) +
        (dCat[i * 2 * d + d + j] ?? 0);
    }
  }
  return { dTitle, dImage };
}
