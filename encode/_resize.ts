/**
 * RGBA pixels → the image tower's input: composite alpha over the manifest
 * background, resize by area averaging, normalise to CHW float32.
 * @module
 */

import type { ImageTensor } from "../types.ts";
import type { RgbaImage } from "./_decoders.ts";
import type { ImageSpec } from "./bundle_manifest.ts";

/** Source taps of each destination pixel along one axis. */
interface AxisTaps {
  /** First source index of destination i. */
  readonly first: Int32Array;
  /** Offset of destination i's weights in `weights`; length dst + 1. */
  readonly offsets: Int32Array;
  /** Coverage of each tap divided by the box size; a box's weights sum to 1. */
  readonly weights: Float32Array;
}

/**
 * Area-averaging taps: destination pixel i covers the source interval
 * [i·s, (i+1)·s) with s = src/dst; each source pixel weighs its overlap.
 */
export function areaTaps(src: number, dst: number): AxisTaps {
  const scale = src / dst;
  const first = new Int32Array(dst);
  const offsets = new Int32Array(dst + 1);
  const weights: number[] = [];
  for (let i = 0; i < dst; i++) {
    const start = i * scale;
    const end = Math.min(src, (i + 1) * scale);
    const j0 = Math.floor(start);
    first[i] = j0;
    offsets[i] = weights.length;
    for (let j = j0; j < end; j++) {
      const cover = Math.min(j + 1, end) - Math.max(j, start);
      if (cover > 1e-9) weights.push(cover / scale);
    }
  }
  offsets[dst] = weights.length;
  return { first, offsets, weights: Float32Array.from(weights) };
}

/** Resizes, composites and normalises `image` as `spec` says. */
export function toImageTensor(image: RgbaImage, spec: ImageSpec): ImageTensor {
  const { width: outW, height: outH } = spec;
  const rows = horizontalPass(image, outW, spec.background);
  const plane = outW * outH;
  const data = new Float32Array(3 * plane);
  const taps = areaTaps(image.height, outH);
  const scale = [0, 1, 2].map((c) => 1 / (255 * (spec.std[c] ?? 1)));
  const shift = [0, 1, 2].map((c) => (spec.mean[c] ?? 0) / (spec.std[c] ?? 1));
  for (let y = 0; y < outH; y++) {
    const j0 = taps.first[y] ?? 0;
    const from = taps.offsets[y] ?? 0;
    const to = taps.offsets[y + 1] ?? 0;
    for (let x = 0; x < outW; x++) {
      let r = 0, g = 0, b = 0;
      for (let t = from; t < to; t++) {
        const w = taps.weights[t] ?? 0;
        const at = ((j0 + t - from) * outW + x) * 3;
        r += w * (rows[at] ?? 0);
        g += w * (rows[at + 1] ?? 0);
        b += w * (rows[at + 2] ?? 0);
      }
      const o = y * outW + x;
      data[o] = r * (scale[0] ?? 0) - (shift[0] ?? 0);
      data[plane + o] = g * (scale[1] ?? 0) - (shift[1] ?? 0);
      data[2 * plane + o] = b * (scale[2] ?? 0) - (shift[2] ?? 0);
    }
  }
  return { width: outW, height: outH, data };
}

/** Each source row resized to `outW`, alpha composited: [srcH][outW][3] in 0..255. */
function horizontalPass(
  image: RgbaImage,
  outW: number,
  background: readonly number[],
): Float32Array {
  const { width, height, data } = image;
  const taps = areaTaps(width, outW);
  const out = new Float32Array(height * outW * 3);
  const [br = 255, bg = 255, bb = 255] = background;
  for (let y = 0; y < height; y++) {
    const row = y * width * 4;
    for (let x = 0; x < outW; x++) {
      const j0 = taps.first[x] ?? 0;
      const from = taps.offsets[x] ?? 0;
      const to = taps.offsets[x + 1] ?? 0;
      let r = 0, g = 0, b = 0;
      for (let t = from; t < to; t++) {
        const p = row + (j0 + t - from) * 4;
        const a = (data[p + 3] ?? 255) / 255;
        const w = taps.weights[t] ?? 0;
        r += w * ((data[p] ?? 0) * a + br * (1 - a));
        g += w * ((data[p + 1] ?? 0) * a + bg * (1 - a));
        b += w * ((data[p + 2] ?? 0) * a + bb * (1 - a));
      }
      const o = (y * outW + x) * 3;
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
    }
  }
  return out;
}
