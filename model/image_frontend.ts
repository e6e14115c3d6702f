/**
 * The image tower's fixed (untrained) front end, computed identically here and in the
 * exported ONNX graph. Two kinds, chosen by the spec:
 * - with a `backbone` (the shipped default): the pretrained MobileNetV2 of
 *   model/backbone.ts, pooled, followed by a 27-bin colour histogram of the central
 *   half of the image (the colour prototypes below on a 16×16 version, averaged over
 *   its central 8×8): pooled CNN features lose colour, and a product photo's centre is
 *   the product, its border the background. Chosen by measurement (docs/EVAL.md,
 *   "Choosing the image backbone"): the 4×4 colour grid made a linear head worse;
 *   the central histogram kept colour queries at least as good;
 * - without one (tiny test bundles): a filter bank on a 3×64×64 CHW image, 944 features:
 *   - 192: the image average-pooled to an 8×8 RGB thumbnail (layout, silhouette, colour);
 *   - 432: soft assignment of each pixel of a 16×16 version to 27 colour prototypes
 *     (softmax over prototypes), average-pooled to a 4×4 grid (where which colour is);
 *   - 320: |3×3 edge/blob filters| on the 32×32 luminance (two Sobel, two diagonal, one
 *     Laplacian), average-pooled to 8×8 (shape).
 * @module
 */

import type { BackboneSpec, KerasModel } from "./backbone.ts";
import { addBackbone } from "./backbone.ts";
import type { GraphBuilder } from "./_onnx_graph.ts";

/** Image input parameters the front end needs (a subset of the manifest's `image`). */
export interface ImageFrontSpec {
  /** Input width in pixels (64 without a backbone, a multiple of 16 with one). */
  readonly width: number;
  /** Input height in pixels (equal to the width). */
  readonly height: number;
  /** Per-channel mean on 0..1 values (RGB). */
  readonly mean: readonly number[];
  /** Per-channel standard deviation on 0..1 values (RGB). */
  readonly std: readonly number[];
  /** Pretrained backbone in front of the colour features; none: the filter bank. */
  readonly backbone?: BackboneSpec;
}

/** Side of the input image the front end expects. */
export const FRONTEND_INPUT = 64;
/** Colour prototype levels per channel, in 0..1 (3 levels → 27 prototypes). */
const LEVELS = [1 / 6, 1 / 2, 5 / 6];
/** Soft-assignment width, in 0..1 pixel units. */
const SIGMA = 0.15;
export const COLOURS = LEVELS.length ** 3;
export const EDGE_FILTERS = 5;
/** Length of the filter bank's feature vector (no backbone). */
export const FRONTEND_SIZE = 3 * 64 + COLOURS * 16 + EDGE_FILTERS * 64;
/** Length of the colour features that follow a backbone's. */
export const COLOUR_SIZE = COLOURS;

/** Length of the front end's feature vector for `spec`. */
export function featureSize(spec: ImageFrontSpec): number {
  return spec.backbone ? spec.backbone.channels + COLOUR_SIZE : FRONTEND_SIZE;
}

const KERNELS: readonly number[][] = [
  [-1, 0, 1, -2, 0, 2, -1, 0, 1],
  [-1, -2, -1, 0, 0, 0, 1, 2, 1],
  [0, 1, 2, -1, 0, 1, -2, -1, 0],
  [2, 1, 0, 1, 0, -1, 0, -1, -2],
  [0, 1, 0, 1, -4, 1, 0, 1, 0],
];

/**
 * @throws {RangeError} unless the input is square (64×64 without a backbone, a multiple
 * of 16 of at least 32 with one) with 3 means and stds
 */
export function checkFrontSpec(spec: ImageFrontSpec): void {
  if (spec.backbone) {
    if (
      spec.width !== spec.height || spec.width % 16 !== 0 || spec.width < 32
    ) {
      throw new RangeError(
        `Cannot build image front end: input must be square, a multiple of 16 and at least 32, got ${spec.width}×${spec.height}`,
      );
    }
  } else if (spec.width !== FRONTEND_INPUT || spec.height !== FRONTEND_INPUT) {
    throw new RangeError(
      `Cannot build image front end: input must be ${FRONTEND_INPUT}×${FRONTEND_INPUT}, got ${spec.width}×${spec.height}`,
    );
  }
  if (spec.mean.length !== 3 || spec.std.length !== 3) {
    throw new RangeError(
      "Cannot build image front end: mean and std need 3 values",
    );
  }
}

/** 1×1 conv weights [27, 3, 1, 1] and bias [27] whose softmax is the colour assignment. */
export function colourConv(
  spec: ImageFrontSpec,
): { w: Float32Array; b: Float32Array } {
  const w = new Float32Array(COLOURS * 3);
  const b = new Float32Array(COLOURS);
  let k = 0;
  for (const r of LEVELS) {
    for (const g of LEVELS) {
      for (const bl of LEVELS) {
        let sq = 0;
        [r, g, bl].forEach((level, c) => {
          // Prototype and sigma in the normalised space the graph sees.
          const std = spec.std[c] ?? 1;
          const proto = (level - (spec.mean[c] ?? 0)) / std;
          const sigma = SIGMA / std;
          w[k * 3 + c] = proto / (sigma * sigma);
          sq += (proto * proto) / (sigma * sigma);
        });
        b[k] = -sq / 2;
        k++;
      }
    }
  }
  return { w, b };
}

/** 3×3 conv weights [5, 3, 3, 3]: each filter applied to the channel mean. */
export function edgeConv(): Float32Array {
  const w = new Float32Array(EDGE_FILTERS * 27);
  KERNELS.forEach((kernel, f) => {
    for (let c = 0; c < 3; c++) {
      kernel.forEach((v, i) => (w[f * 27 + c * 9 + i] = v / 12));
    }
  });
  return w;
}

/** Average pooling of CHW data by a square factor. */
function avgPool(
  x: Float32Array,
  c: number,
  side: number,
  k: number,
): Float32Array {
  const out = side / k;
  const y = new Float32Array(c * out * out);
  for (let ch = 0; ch < c; ch++) {
    for (let oy = 0; oy < out; oy++) {
      for (let ox = 0; ox < out; ox++) {
        let s = 0;
        for (let dy = 0; dy < k; dy++) {
          const row = (ch * side + oy * k + dy) * side + ox * k;
          for (let dx = 0; dx < k; dx++) s += x[row + dx] ?? 0;
        }
        y[(ch * out + oy) * out + ox] = s / (k * k);
      }
    }
  }
  return y;
}

function colourFeatures(x16: Float32Array, spec: ImageFrontSpec): Float32Array {
  const { w, b } = colourConv(spec);
  const probs = new Float32Array(COLOURS * 256);
  const logits = new Float64Array(COLOURS);
  for (let p = 0; p < 256; p++) {
    let max = -Infinity;
    for (let k = 0; k < COLOURS; k++) {
      let z = b[k] ?? 0;
      for (let c = 0; c < 3; c++) {
        z += (w[k * 3 + c] ?? 0) * (x16[c * 256 + p] ?? 0);
      }
      logits[k] = z;
      if (z > max) max = z;
    }
    let sum = 0;
    for (let k = 0; k < COLOURS; k++) {
      const e = Math.exp((logits[k] ?? 0) - max);
      logits[k] = e;
      sum += e;
    }
    for (let k = 0; k < COLOURS; k++) {
      probs[k * 256 + p] = (logits[k] ?? 0) / sum;
    }
  }
  return avgPool(probs, COLOURS, 16, 4);
}

function edgeFeatures(x32: Float32Array): Float32Array {
  const w = edgeConv();
  const out = new Float32Array(EDGE_FILTERS * 1024);
  for (let f = 0; f < EDGE_FILTERS; f++) {
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        let s = 0;
        for (let c = 0; c < 3; c++) {
          for (let ky = 0; ky < 3; ky++) {
            const yy = y + ky - 1;
            if (yy < 0 || yy >= 32) continue;
            for (let kx = 0; kx < 3; kx++) {
              const xx = x + kx - 1;
              if (xx < 0 || xx >= 32) continue;
              s += (w[f * 27 + c * 9 + ky * 3 + kx] ?? 0) *
                (x32[(c * 32 + yy) * 32 + xx] ?? 0);
            }
          }
        }
        out[(f * 32 + y) * 32 + x] = Math.abs(s);
      }
    }
  }
  return avgPool(out, EDGE_FILTERS, 32, 4);
}

/**
 * Front-end features of one normalised CHW image.
 * @throws {RangeError} when `pixels` is not 3×64×64
 */
export function imageFrontend(
  pixels: Float32Array,
  spec: ImageFrontSpec,
): Float32Array {
  checkFrontSpec(spec);
  if (pixels.length !== 3 * FRONTEND_INPUT * FRONTEND_INPUT) {
    throw new RangeError(
      `Cannot compute image features: expected ${
        3 * 64 * 64
      } values, got ${pixels.length}`,
    );
  }
  const out = new Float32Array(FRONTEND_SIZE);
  out.set(avgPool(pixels, 3, 64, 8), 0);
  out.set(colourFeatures(avgPool(pixels, 3, 64, 4), spec), 192);
  out.set(edgeFeatures(avgPool(pixels, 3, 64, 2)), 192 + COLOURS * 16);
  return out;
}

function pool(g: GraphBuilder, x: string, k: number): string {
  return g.node("AveragePool", [x], {
    attrs: { kernel_shape: [k, k], strides: [k, k] },
  });
}

function flatten(g: GraphBuilder, x: string): string {
  return g.node("Flatten", [x], { attrs: { axis: 1 } });
}

/** Soft colour-prototype assignment of each pixel of `x16` ([N, 3, 16, 16]). */
function colourProbs(
  g: GraphBuilder,
  x16: string,
  spec: ImageFrontSpec,
): string {
  const colour = colourConv(spec);
  const logits = g.node("Conv", [
    x16,
    g.float("colour_w", [COLOURS, 3, 1, 1], colour.w),
    g.float("colour_b", [COLOURS], colour.b),
  ]);
  return g.node("Softmax", [logits], { attrs: { axis: 1 } });
}

/**
 * Adds the front end to `g`: normalised `pixels` [N, 3, H, W] → features
 * [N, {@linkcode featureSize}]. `keras` is the backbone's weights, needed when the spec
 * has a backbone.
 * @throws {RangeError} on a spec the front end cannot take
 */
export function addImageFeatures(
  g: GraphBuilder,
  pixels: string,
  spec: ImageFrontSpec,
  keras?: KerasModel,
): string {
  checkFrontSpec(spec);
  if (spec.backbone) {
    if (!keras) {
      throw new TypeError(
        "Cannot build image front end: the backbone's weights are not loaded",
      );
    }
    const { features, channels } = addBackbone(g, keras, pixels, spec.backbone);
    if (channels !== spec.backbone.channels) {
      throw new RangeError(
        `Cannot build image front end: layer "${spec.backbone.layer}" has ${channels} channels, the spec says ${spec.backbone.channels}`,
      );
    }
    const probs = colourProbs(g, pool(g, pixels, spec.width / 16), spec);
    const centre = g.node("Slice", [
      probs,
      g.int64("centre_from", [4, 4]),
      g.int64("centre_to", [12, 12]),
      g.int64("centre_axes", [2, 3]),
    ]);
    const colours = flatten(g, g.node("GlobalAveragePool", [centre]));
    return g.node("Concat", [features, colours], { attrs: { axis: 1 } });
  }
  const thumb = flatten(g, pool(g, pixels, 8));
  const colours = flatten(
    g,
    pool(g, colourProbs(g, pool(g, pixels, 4), spec), 4),
  );
  const edges = g.node("Abs", [
    g.node("Conv", [
      pool(g, pixels, 2),
      g.float("edge_w", [EDGE_FILTERS, 3, 3, 3], edgeConv()),
    ], { attrs: { pads: [1, 1, 1, 1] } }),
  ]);
  const edgeFeats = flatten(g, pool(g, edges, 4));
  return g.node("Concat", [thumb, colours, edgeFeats], { attrs: { axis: 1 } });
}
