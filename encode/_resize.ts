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
  const { width, height } = image;
  const taps = areaTaps(width, outW);
  const out = new Float32Array(height * outW * 3);
  const rgb = new Float32Array(width * 3);
  const opaque = isOpaque(image.data);
  for (let y = 0; y < height; y++) {
    compositeRow(image, y, opaque, background, rgb);
    for (let x = 0; x < outW; x++) {
      const from = taps.offsets[x] as number;
      const to = taps.offsets[x + 1] as number;
      let p = (taps.first[x] as number) * 3;
      let r = 0, g = 0, b = 0;
      for (let t = from; t < to; t++, p += 3) {
        const w = taps.weights[t] as number;
        r += w * (rgb[p] as number);
        g += w * (rgb[p + 1] as number);
        b += w * (rgb[p + 2] as number);
      }
      const o = (y * outW + x) * 3;
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
    }
  }
  return out;
}

function isOpaque(data: RgbaImage["data"]): boolean {
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 255) return false;
  return true;
}

/** Row `y` as RGB floats, composited over `background` (c·a + bg·(1 − a)). */
function compositeRow(
  image: RgbaImage,
  y: number,
  opaque: boolean,
  background: readonly number[],
  rgb: Float32Array,
): void {
  const { data, width } = image;
  const [br = 255, bg = 255, bb = 255] = background;
  for (let x = 0, p = y * width * 4, q = 0; x < width; x++, p += 4, q += 3) {
    const r = data[p] as number,
      g = data[p + 1] as number,
      b = data[p + 2] as number;
    if (opaque) {
      rgb[q] = r;
      rgb[q + 1] = g;
      rgb[q + 2] = b;
      continue;
    }
    const a = (data[p + 3] as number) / 255;
    rgb[q] = br + a * (r - br);
    rgb[q + 1] = bg + a * (g - bg);
    rgb[q + 2] = bb + a * (b - bb);
  }
}
