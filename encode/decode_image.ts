/**
 * Compressed image bytes → the image tower's input tensor, or a typed skip.
 * @module
 */

import type { ImageResult } from "../types.ts";
import { DecodeError } from "../errors.ts";
import type { ImageSpec } from "./bundle_manifest.ts";
import { type Decoder, DEFAULT_DECODERS } from "./_decoders.ts";
import { type ImageFormat, readImageHeader } from "./_image_header.ts";
import { toImageTensor } from "./_resize.ts";
import { makeThumbnail, type ThumbnailOptions } from "./thumbnail.ts";

/** Why an image did not become a tensor. */
export type ImageSkipReason =
  | "not_found"
  | "fetch_failed"
  | "timeout"
  | "too_large"
  | "blocked_address"
  | "redirect_loop"
  | "bad_base64"
  | "unsupported_format"
  | "decode_failed"
  | "too_many_pixels"
  | "too_many_frames";

/** Limits and codecs of {@linkcode decodeImage}. */
export interface DecodeImageOptions {
  /** Largest pixel count a header may declare (width × height, any GIF frame too). @default 25_000_000 */
  readonly maxPixels?: number;
  /** Largest number of GIF frames accepted (only the first is decoded). @default 500 */
  readonly maxFrames?: number;
  /** Codecs tried in order for each format; the first success wins. @default mozjpeg, then imagescript */
  readonly decoders?: readonly Decoder[];
  /** Also make a small JPEG thumbnail of the decoded pixels within these bounds. @default none */
  readonly thumbnail?: ThumbnailOptions;
}

/** Default of {@linkcode DecodeImageOptions.maxPixels}. */
export const DEFAULT_MAX_PIXELS = 25_000_000;
/** Default of {@linkcode DecodeImageOptions.maxFrames}. */
export const DEFAULT_MAX_FRAMES = 500;

/** Shorthand for a skipped result. */
export function skipped(
  reason: ImageSkipReason,
  detail: string,
): ImageResult<ImageSkipReason> {
  return { kind: "skipped", reason, detail };
}

/**
 * Decodes JPEG, PNG or GIF (first frame), chosen by magic bytes, after checking the
 * declared size; composites alpha on `spec.background`, resizes by area averaging to
 * `spec.width` × `spec.height` and normalises with `spec.mean`/`spec.std` (CHW).
 * Never throws for bad bytes: returns `{ kind: "skipped" }`.
 * @throws {DecodeError} when a codec cannot load at all (not a per-image problem)
 */
export async function decodeImage(
  bytes: Uint8Array,
  spec: ImageSpec,
  options: DecodeImageOptions = {},
): Promise<ImageResult<ImageSkipReason>> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const maxFrames = options.maxFrames ?? DEFAULT_MAX_FRAMES;
  const parsed = readImageHeader(bytes, maxFrames);
  if (parsed.kind === "bad") return skipped(parsed.reason, parsed.detail);
  const { header } = parsed;
  if (header.maxPixels > maxPixels) {
    const size = `${header.width}×${header.height}`;
    return skipped(
      "too_many_pixels",
      `${header.format} declares ${size} (${header.maxPixels} pixels), limit ${maxPixels}`,
    );
  }
  if (header.frames > maxFrames) {
    return skipped(
      "too_many_frames",
      `gif has more than ${maxFrames} frames`,
    );
  }
  const decoders = (options.decoders ?? DEFAULT_DECODERS).filter((d) =>
    d.formats.includes(header.format)
  );
  return await decodeWith(decoders, bytes, header.format, {
    spec,
    thumbnail: options.thumbnail,
  });
}

async function decodeWith(
  decoders: readonly Decoder[],
  bytes: Uint8Array,
  format: ImageFormat,
  { spec, thumbnail }: { spec: ImageSpec; thumbnail?: ThumbnailOptions },
): Promise<ImageResult<ImageSkipReason>> {
  if (decoders.length === 0) {
    return skipped("unsupported_format", `no decoder for ${format}`);
  }
  const failures: string[] = [];
  for (const decoder of decoders) {
    try {
      const image = await decoder.decode(bytes, format);
      if (image.data.length !== image.width * image.height * 4) {
        failures.push(`${decoder.name}: pixel buffer has the wrong size`);
        continue;
      }
      const tensor = toImageTensor(image, spec);
      const thumb = thumbnail ? await makeThumbnail(image, thumbnail) : null;
      return {
        kind: "ok",
        tensor,
        format,
        ...(thumb ? { thumbnail: thumb } : {}),
      };
    } catch (err: unknown) {
      if (err instanceof DecodeError) throw err; // a codec that cannot work at all
      const message = err instanceof Error ? err.message : String(err);
      failures.push(`${decoder.name}: ${message}`);
    }
  }
  return skipped("decode_failed", `${format}: ${failures.join("; ")}`);
}
