/**
 * Image reference (URL, file path or base64) → tensor, with every limit applied:
 * bytes, time, redirects, addresses, pixels, frames.
 *
 * Known limit of the address guard: the host is resolved (Deno.resolveDns) apart from
 * the connection fetch makes, so a DNS server that answers differently the second time
 * (rebinding) is not caught; names only in /etc/hosts do not resolve and are skipped
 * as "fetch_failed".
 * @module
 */

import type { ImageRef, ImageResult } from "../types.ts";
import type { ImageSpec } from "./bundle_manifest.ts";
import {
  type BytesResult,
  fetchImageBytes,
  type ResolveHost,
  resolveWithDns,
  type Timers,
} from "./_fetch_url.ts";
import { decodeBase64, readImageFile } from "./_read_sources.ts";
import {
  decodeImage,
  type DecodeImageOptions,
  type ImageSkipReason,
} from "./decode_image.ts";

/** Limits and sources of {@linkcode loadImage}. */
export interface ImageLoadOptions extends DecodeImageOptions {
  /** Aborts the load; loadImage then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Largest compressed image accepted, in bytes (URL body, file, decoded base64). @default 10_485_760 */
  readonly maxBytes?: number;
  /** Time allowed to connect and receive response headers, per request. @default 5_000 */
  readonly connectTimeoutMs?: number;
  /** Time allowed for the whole URL fetch, redirects and body included. @default 15_000 */
  readonly timeoutMs?: number;
  /** Redirects followed before giving up with "redirect_loop". @default 3 */
  readonly maxRedirects?: number;
  /** Allow loopback, private, link-local, unique-local and multicast addresses. @default false */
  readonly allowPrivateNetwork?: boolean;
  /** IP addresses allowed even when private (e.g. an internal image host). @default [] */
  readonly allowAddresses?: readonly string[];
  /** Folder that relative image paths are read from; paths may not leave it. @default Deno.cwd() */
  readonly baseDir?: string;
  /** Host name resolution used for the address check. @default Deno.resolveDns (A and AAAA) */
  readonly resolveHost?: ResolveHost;
  /** Timer functions (tests inject fakes). @default globalThis */
  readonly timers?: Timers;
}

/** Default of {@linkcode ImageLoadOptions.maxBytes}. */
export const DEFAULT_MAX_IMAGE_BYTES = 10 * 1024 * 1024;

const GLOBAL_TIMERS: Timers = {
  start(callback, ms) {
    const id = setTimeout(callback, ms);
    return () => clearTimeout(id);
  },
};

/**
 * Loads the image `ref` points at and turns it into the tensor `spec` describes.
 * Every per-image failure is a `{ kind: "skipped" }` value.
 * @throws {TypeError} when `ref` does not have exactly one of url, path, base64
 * @throws the signal's reason when `options.signal` aborts
 * @throws {DecodeError} when a codec cannot load at all (not a per-image problem)
 */
export async function loadImage(
  ref: ImageRef,
  spec: ImageSpec,
  options: ImageLoadOptions = {},
): Promise<ImageResult<ImageSkipReason>> {
  options.signal?.throwIfAborted();
  const loaded = await loadBytes(ref, options);
  options.signal?.throwIfAborted();
  if (loaded.kind === "skipped") return loaded;
  return await decodeImage(loaded.bytes, spec, options);
}

/**
 * The compressed bytes `ref` points at, with the same limits and address guard as
 * {@linkcode loadImage} (used where the bytes themselves matter, e.g. hashing them).
 * @throws {TypeError} when `ref` does not have exactly one of url, path, base64
 */
export async function loadImageBytes(
  ref: ImageRef,
  options: ImageLoadOptions = {},
): Promise<BytesResult> {
  options.signal?.throwIfAborted();
  return await loadBytes(ref, options);
}

async function loadBytes(
  ref: ImageRef,
  options: ImageLoadOptions,
): Promise<BytesResult> {
  const maxBytes = positive(
    "maxBytes",
    options.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES,
  );
  const fields = Object.keys(ref ?? {}).filter((k) =>
    (ref as Record<string, unknown>)[k] !== undefined
  );
  if (fields.length !== 1) {
    throw new TypeError(
      `Cannot load image: reference must have exactly one of url, path, base64, got [${
        fields.join(", ")
      }]`,
    );
  }
  if ("url" in ref && typeof ref.url === "string") {
    return await fetchImageBytes(ref.url, {
      maxBytes,
      connectTimeoutMs: positive(
        "connectTimeoutMs",
        options.connectTimeoutMs ?? 5_000,
      ),
      timeoutMs: positive("timeoutMs", options.timeoutMs ?? 15_000),
      maxRedirects: options.maxRedirects ?? 3,
      allowPrivateNetwork: options.allowPrivateNetwork ?? false,
      allowAddresses: options.allowAddresses ?? [],
      resolveHost: options.resolveHost ?? resolveWithDns,
      timers: options.timers ?? GLOBAL_TIMERS,
      signal: options.signal,
    });
  }
  if ("path" in ref && typeof ref.path === "string") {
    return await readImageFile(
      ref.path,
      options.baseDir ?? Deno.cwd(),
      maxBytes,
    );
  }
  if ("base64" in ref && typeof ref.base64 === "string") {
    return decodeBase64(ref.base64, maxBytes);
  }
  throw new TypeError(`Cannot load image: "${fields[0]}" must be a string`);
}

function positive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(
      `Cannot load image: "${name}" must be a positive number, got ${value}`,
    );
  }
  return value;
}
