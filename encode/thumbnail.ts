/**
 * Decoded RGBA pixels → a small JPEG for people to look at (the search page, the
 * product view): fitted inside a square, aspect kept, alpha composited on white, area
 * averaged, size-bounded. Made from the same decoded pixels the image tower sees, so a
 * product's thumbnail is exactly the image that was indexed.
 * @module
 */

import { Image } from "imagescript";
import type { RgbaImage } from "./_decoders.ts";
import { areaTaps } from "./_resize.ts";

/** Size bounds of a thumbnail; plain data so it can cross to an image Worker. */
export interface ThumbnailOptions {
  /** Longest side in pixels; smaller images keep their size. @default 192 */
  readonly maxSide: number;
  /** Largest encoded size in bytes; quality steps down until it fits. @default 32768 */
  readonly maxBytes: number;
}

/** Defaults of {@linkcode ThumbnailOptions}. */
export const DEFAULT_THUMBNAIL: ThumbnailOptions = Object.freeze({
  maxSide: 192,
  maxBytes: 32_768,
});

const QUALITIES = [82, 65, 45, 25] as const;

/**
 * The thumbnail as JPEG bytes, or null when even the lowest quality is over
 * `maxBytes` (the product is then indexed without one).
 * @throws {RangeError} when the bounds are not positive integers
 */
export async function makeThumbnail(
  image: RgbaImage,
  options: ThumbnailOptions,
): Promise<Uint8Array | null> {
  const { maxSide, maxBytes } = options;
  if (
    !Number.isInteger(maxSide) || maxSide < 1 || !Number.isInteger(maxBytes) ||
    maxBytes < 1
  ) {
    throw new RangeError(
      `Cannot make thumbnail: maxSide and maxBytes must be positive integers: got ${maxSide}, ${maxBytes}`,
    );
  }
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const out = new Image(width, height);
  out.bitmap.set(shrink(image, width, height));
  for (const quality of QUALITIES) {
    const bytes = await out.encodeJPEG(quality);
    if (bytes.length <= maxBytes) return bytes;
  }
  return null;
}

/** Area-averaged RGBA of `width` × `height`, alpha composited on white (opaque). */
function shrink(image: RgbaImage, width: number, height: number): Uint8Array {
  const xs = areaTaps(image.width, width);
  const ys = areaTaps(image.height, height);
  const src = image.data;
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const y0 = ys.first[y] ?? 0;
    const yFrom = ys.offsets[y] ?? 0;
    const yTo = ys.offsets[y + 1] ?? 0;
    for (let x = 0; x < width; x++) {
      const x0 = xs.first[x] ?? 0;
      const xFrom = xs.offsets[x] ?? 0;
      const xTo = xs.offsets[x + 1] ?? 0;
      let r = 0, g = 0, b = 0;
      for (let ty = yFrom; ty < yTo; ty++) {
        const wy = ys.weights[ty] ?? 0;
        const row = (y0 + ty - yFrom) * image.width;
        for (let tx = xFrom; tx < xTo; tx++) {
          const w = wy * (xs.weights[tx] ?? 0);
          const at = (row + x0 + tx - xFrom) * 4;
          const a = (src[at + 3] ?? 255) / 255;
          r += w * ((src[at] ?? 0) * a + 255 * (1 - a));
          g += w * ((src[at + 1] ?? 0) * a + 255 * (1 - a));
          b += w * ((src[at + 2] ?? 0) * a + 255 * (1 - a));
        }
      }
      const o = (y * width + x) * 4;
      out[o] = Math.round(r);
      out[o + 1] = Math.round(g);
      out[o + 2] = Math.round(b);
      out[o + 3] = 255;
    }
  }
  return out;
}
