/**
 * Reads an image's format and declared dimensions from its header, before any
 * decoder allocates memory for it (decompression-bomb and frame-count checks).
 * @module
 */

/** Formats we decode. */
export type ImageFormat = "jpeg" | "png" | "gif";

/** What the header declares. */
export interface ImageHeader {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
  /** Largest pixel count any decoder buffer will need (GIF frames included). */
  readonly maxPixels: number;
  /** GIF: image descriptors found (the scan stops past `frameLimit`); 1 otherwise. */
  readonly frames: number;
}

/** Header problems, as skip reasons. */
export type HeaderResult =
  | { readonly kind: "ok"; readonly header: ImageHeader }
  | {
    readonly kind: "bad";
    readonly reason: "unsupported_format" | "decode_failed";
    readonly detail: string;
  };

/** Parses the header of `bytes`; GIF frames are counted up to `frameLimit + 1`. */
export function readImageHeader(
  bytes: Uint8Array,
  frameLimit: number,
): HeaderResult {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return jpegHeader(bytes);
  }
  if (startsWith(bytes, PNG_SIGNATURE)) return pngHeader(bytes);
  if (startsWith(bytes, GIF87) || startsWith(bytes, GIF89)) {
    return gifHeader(bytes, frameLimit);
  }
  return {
    kind: "bad",
    reason: "unsupported_format",
    detail: `unknown magic bytes ${hex(bytes.subarray(0, 8))}`,
  };
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const GIF87 = [0x47, 0x49, 0x46, 0x38, 0x37, 0x61];
const GIF89 = [0x47, 0x49, 0x46, 0x38, 0x39, 0x61];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

function bad(detail: string): HeaderResult {
  return { kind: "bad", reason: "decode_failed", detail };
}

function ok(
  format: ImageFormat,
  width: number,
  height: number,
  extra: { maxPixels?: number; frames?: number } = {},
): HeaderResult {
  if (width === 0 || height === 0) {
    return bad(`${format} header declares an empty image ${width}×${height}`);
  }
  const maxPixels = Math.max(width * height, extra.maxPixels ?? 0);
  const frames = extra.frames ?? 1;
  return { kind: "ok", header: { format, width, height, maxPixels, frames } };
}

/** Walks JPEG marker segments up to the first SOFn. */
function jpegHeader(bytes: Uint8Array): HeaderResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff) return bad(`jpeg: no marker at byte ${pos}`);
    const marker = bytes[pos + 1] ?? 0;
    if (marker === 0xff) { // fill byte
      pos++;
      continue;
    }
    if (
      marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)
    ) {
      pos += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) break; // EOI/SOS before any SOF
    const length = view.getUint16(pos + 2);
    if (length < 2) return bad(`jpeg: bad segment length at byte ${pos}`);
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 &&
      marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (pos + 9 > bytes.length) break;
      return ok("jpeg", view.getUint16(pos + 7), view.getUint16(pos + 5));
    }
    pos += 2 + length;
  }
  return bad("jpeg: no frame header (SOF) found");
}

function pngHeader(bytes: Uint8Array): HeaderResult {
  if (bytes.length < 24) return bad("png: truncated before IHDR");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunk = String.fromCharCode(...bytes.subarray(12, 16));
  if (chunk !== "IHDR") return bad(`png: first chunk is "${chunk}", not IHDR`);
  return ok("png", view.getUint32(16), view.getUint32(20));
}

/** Reads the logical screen and counts image descriptors (bounded). */
function gifHeader(bytes: Uint8Array, frameLimit: number): HeaderResult {
  if (bytes.length < 13) return bad("gif: truncated before screen descriptor");
  const u16 = (at: number) => (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
  const width = u16(6);
  const height = u16(8);
  const flags = bytes[10] ?? 0;
  let pos = 13 + (flags & 0x80 ? 3 * (2 << (flags & 7)) : 0);
  let frames = 0;
  let maxPixels = 0;
  while (pos < bytes.length && frames <= frameLimit) {
    const block = bytes[pos];
    if (block === 0x3b) break; // trailer
    if (block === 0x21) { // extension: label, then sub-blocks
      pos = skipSubBlocks(bytes, pos + 2);
    } else if (block === 0x2c) { // image descriptor
      frames++;
      maxPixels = Math.max(maxPixels, u16(pos + 5) * u16(pos + 7));
      const local = bytes[pos + 9] ?? 0;
      pos += 10 + (local & 0x80 ? 3 * (2 << (local & 7)) : 0);
      pos = skipSubBlocks(bytes, pos + 1); // LZW minimum code size, then data
    } else {
      break; // garbage after the last frame: let the decoder judge
    }
  }
  if (frames === 0) return bad("gif: no image descriptor found");
  return ok("gif", width, height, { maxPixels, frames });
}

function skipSubBlocks(bytes: Uint8Array, pos: number): number {
  while (pos < bytes.length) {
    const size = bytes[pos] ?? 0;
    pos += 1 + size;
    if (size === 0) break;
  }
  return pos;
}
