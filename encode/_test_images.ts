/**
 * Tiny images built in tests, with known pixels: a minimal PNG writer (any colour
 * type), GIF and JPEG through imagescript, and hostile headers.
 * @module
 */

import { deflateSync } from "node:zlib";
import { Frame, GIF, Image } from "imagescript";
import { pngChunk } from "./png_chunk.ts";

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** PNG colour types: 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA. */
export type PngColour = 0 | 2 | 3 | 4 | 6;

/** Extras of {@linkcode makePng}. */
export interface PngExtras {
  /** Bits per sample: 8 (default) or 16 (samples are then 0..65535, big-endian). */
  readonly depth?: 8 | 16;
  /** Palette entries [r, g, b] for colour type 3. */
  readonly palette?: readonly (readonly [number, number, number])[];
  /** tRNS chunk: alpha per palette entry (type 3). */
  readonly transparency?: readonly number[];
}

/** A PNG of `width`×`height` whose samples (row-major, per colour type) are `samples`. */
export function makePng(
  width: number,
  height: number,
  colour: PngColour,
  samples: readonly number[],
  extras: PngExtras = {},
): Uint8Array<ArrayBuffer> {
  const depth = extras.depth ?? 8;
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colour];
  const bytes = depth / 8;
  const stride = 1 + width * channels * bytes;
  const raw = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < width * channels; i++) {
      const v = samples[y * width * channels + i] ?? 0;
      const at = y * stride + 1 + i * bytes;
      if (depth === 16) raw.set([v >> 8, v & 0xff], at);
      else raw[at] = v;
    }
  }
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([depth, colour, 0, 0, 0], 8);
  const optional: Uint8Array[] = [];
  if (extras.palette) {
    optional.push(pngChunk("PLTE", new Uint8Array(extras.palette.flat())));
  }
  if (extras.transparency) {
    optional.push(pngChunk("tRNS", new Uint8Array(extras.transparency)));
  }
  return concat([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    ...optional,
    pngChunk("IDAT", new Uint8Array(deflateSync(raw))),
    pngChunk("IEND", new Uint8Array()),
  ]);
}

/** A PNG header declaring `width`×`height` with no pixel data (decompression bomb). */
export function makePngBombHeader(
  width: number,
  height: number,
): Uint8Array<ArrayBuffer> {
  const png = makePng(1, 1, 2, [0, 0, 0]);
  const view = new DataView(png.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return png;
}

/** An RGBA imagescript Image filled by `pixel(x, y)` → [r, g, b, a]. */
export function makeImage(
  width: number,
  height: number,
  pixel: (x: number, y: number) => readonly [number, number, number, number],
): Image {
  const image = new Image(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b, a] = pixel(x, y);
      image.setPixelAt(x + 1, y + 1, Image.rgbaToColor(r, g, b, a));
    }
  }
  return image;
}

/** A JPEG of a solid colour. */
export async function makeJpeg(
  width: number,
  height: number,
  rgb: readonly [number, number, number],
  quality: Parameters<Image["encodeJPEG"]>[0] = 95,
): Promise<Uint8Array> {
  return await makeImage(width, height, () => [...rgb, 255]).encodeJPEG(
    quality,
  );
}

/** A GIF of `frames` solid frames; frame i has colour `colours[i % colours.length]`. */
export async function makeGif(
  width: number,
  height: number,
  frames: number,
  colours: readonly (readonly [number, number, number])[],
): Promise<Uint8Array> {
  const list = Array.from({ length: frames }, (_, i) => {
    const [r, g, b] = colours[i % colours.length] ?? [0, 0, 0];
    const frame = new Frame(width, height, 10);
    frame.fill(Image.rgbaToColor(r, g, b, 255));
    return frame;
  });
  return await new GIF(list).encode();
}
