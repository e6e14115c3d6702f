/**
 * Image decoders behind one interface. Each turns compressed bytes into RGBA
 * pixels; the caller has already checked the header's declared size.
 * @module
 */

import { GIF, Image } from "imagescript";
import decodeMozJpeg, { init as initMozJpeg } from "@jsquash/jpeg/decode.js";
import { DecodeError } from "../errors.ts";
import type { ImageFormat } from "./_image_header.ts";

/** Decoded pixels, RGBA 8-bit, row-major. */
export interface RgbaImage {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** Length 4 × width × height. */
  readonly data: Uint8Array | Uint8ClampedArray;
}

/** One image codec. */
export interface Decoder {
  /** Short name for logs and benches ("mozjpeg", "imagescript"). */
  readonly name: string;
  /** Formats it can decode. */
  readonly formats: readonly ImageFormat[];
  /** Decodes `bytes` (first frame for animations); rejects on corrupt data. */
  decode(bytes: Uint8Array, format: ImageFormat): Promise<RgbaImage>;
}

/** imagescript (wasm): JPEG, PNG and GIF (first frame). */
export const imagescriptDecoder: Decoder = {
  name: "imagescript",
  formats: ["jpeg", "png", "gif"],
  async decode(bytes, format) {
    if (format === "gif") {
      const gif = await GIF.decode(bytes, true);
      const frame = gif[0];
      if (frame === undefined) throw new Error("gif has no frame");
      return { width: frame.width, height: frame.height, data: frame.bitmap };
    }
    const image = await Image.decode(bytes);
    return { width: image.width, height: image.height, data: image.bitmap };
  },
};

let mozJpegReady: Promise<void> | undefined;

/** A valid 1×1 JPEG: the codec must decode it, or it failed to load. */
const PROBE_JPEG =
  "/9j/4AAQSkZJRgABAgAAAQABAAD/wAARCAABAAEDAREAAhEBAxEB/9sAQwD//////////////////////////////////////////////////////////////////////////////////////9sAQwH//////////////////////////////////////////////////////////////////////////////////////8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwAoA//Z";

/**
 * Loads the codec once, with libjpeg's console warnings silenced, and proves it
 * works on a known image, so a codec that cannot load (e.g. no read permission
 * for its wasm file) is a DecodeError rather than every JPEG being "decode_failed".
 */
function initMozJpegOnce(): Promise<void> {
  mozJpegReady ??= (async () => {
    const quiet = () => {};
    await initMozJpeg({ noInitialRun: true, print: quiet, printErr: quiet });
    const probe = Uint8Array.from(atob(PROBE_JPEG), (c) => c.charCodeAt(0));
    try {
      await decodeMozJpeg(probe.buffer, { preserveOrientation: false });
    } catch (err: unknown) {
      throw new DecodeError("Cannot load the MozJPEG codec", { cause: err });
    }
  })();
  return mozJpegReady;
}

/** MozJPEG compiled to wasm (the jsquash package): JPEG only, several times faster than imagescript. */
export const mozJpegDecoder: Decoder = {
  name: "mozjpeg",
  formats: ["jpeg"],
  async decode(bytes) {
    await initMozJpegOnce();
    const copy = bytes.slice().buffer; // the codec wants a whole ArrayBuffer
    let image: ImageData;
    try {
      image = await decodeMozJpeg(copy, { preserveOrientation: false });
    } catch (err: unknown) {
      // The codec throws non-Error values; normalise so callers see a message.
      throw err instanceof Error ? err : new Error("mozjpeg: decoding error");
    }
    if (!(image.data instanceof Uint8ClampedArray)) {
      throw new Error("mozjpeg: unexpected pixel format");
    }
    return { width: image.width, height: image.height, data: image.data };
  },
};

/** Decoders tried in order for each format (fastest first, measured in decode_bench.ts). */
export const DEFAULT_DECODERS: readonly Decoder[] = [
  mozJpegDecoder,
  imagescriptDecoder,
];
