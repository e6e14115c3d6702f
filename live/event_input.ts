/**
 * How the live index reads one event: parsing with limits derived from the configured
 * image limits, and image loading (fetch, decode, thumbnail) with those limits. The
 * live pipeline and the reindex replay read events through the same {@linkcode EventInput},
 * so a model upgrade indexes exactly what live ingestion would.
 * @module
 */
import type { ImageConfig } from "../config.ts";
import {
  DEFAULT_THUMBNAIL,
  type ImageSpec,
  type ImageWorkers,
  loadImage,
  type WorkerImageOptions,
} from "../encode/mod.ts";
import {
  DEFAULT_PARSE_LIMITS,
  parseEvent,
  type ParseLimits,
} from "../ingest/mod.ts";
import type { Logger } from "../log.ts";
import type {
  ImageRef,
  ImageResult,
  ParseResult,
  SourceMessage,
} from "../types.ts";
import type { ThumbnailStore } from "./thumbnails.ts";

/**
 * Inline base64 characters allowed per image byte: 4/3 for base64 itself plus room
 * for line breaks and a `data:` prefix, so an inline image the decoder would accept
 * is never dead-lettered by the parser (10 MiB of image → 14 Mi characters).
 */
const BASE64_CHARS_PER_BYTE = 1.4;
/** Room in a message value beside its inline image: id, title, attributes (2 MiB). */
const VALUE_BYTES_BESIDE_IMAGE = 2 * 1024 * 1024;

/**
 * Parse limits that follow `IMAGE_MAX_BYTES` up: an inline image and its message may
 * be as large as the configured image limit allows. They never go below `parseEvent`'s
 * defaults (what the default 10 MiB gives): an image between the two limits is the
 * decoder's to refuse, and its product is indexed from the title alone, not
 * dead-lettered.
 */
export function parseLimits(
  images: Pick<ImageConfig, "maxBytes">,
): ParseLimits {
  const maxImageBase64Chars = Math.max(
    DEFAULT_PARSE_LIMITS.maxImageBase64Chars,
    Math.ceil(images.maxBytes * BASE64_CHARS_PER_BYTE),
  );
  return {
    ...DEFAULT_PARSE_LIMITS,
    maxImageBase64Chars,
    maxValueBytes: Math.max(
      DEFAULT_PARSE_LIMITS.maxValueBytes,
      maxImageBase64Chars + VALUE_BYTES_BESIDE_IMAGE,
    ),
  };
}

/** Image loading options from the configured image limits. */
export function imageOptions(images: ImageConfig): WorkerImageOptions {
  return {
    maxBytes: images.maxBytes,
    timeoutMs: images.timeoutMs,
    maxPixels: images.maxPixels,
    allowPrivateNetwork: images.allowPrivateNetwork,
    baseDir: images.baseDir,
    thumbnail: DEFAULT_THUMBNAIL,
  };
}

/** Parses messages and loads their images with the configured limits. */
export class EventInput {
  readonly #limits: ParseLimits;
  readonly #options: WorkerImageOptions;
  readonly #thumbs: ThumbnailStore;
  readonly #workers: ImageWorkers | null;
  readonly #log: Logger;

  /**
   * Reads with `images`' limits; keeps thumbnails in `thumbs`; decodes in `workers`
   * when given, else on the calling thread.
   */
  constructor(
    images: ImageConfig,
    parts: {
      thumbs: ThumbnailStore;
      log: Logger;
      workers?: ImageWorkers | null;
    },
  ) {
    this.#limits = parseLimits(images);
    this.#options = imageOptions(images);
    this.#thumbs = parts.thumbs;
    this.#workers = parts.workers ?? null;
    this.#log = parts.log;
  }

  /** The event of `message`, or why it is bad (it is dead-lettered then). */
  parse(message: SourceMessage): ParseResult {
    return parseEvent(message, this.#limits);
  }

  /** The image as `spec` wants it, with its thumbnail stored; or why it was skipped. */
  async loadImage(ref: ImageRef, spec: ImageSpec): Promise<ImageResult> {
    const result = this.#workers
      ? await this.#workers.load(ref, spec, this.#options)
      : await loadImage(ref, spec, this.#options);
    return await this.#thumbs.keep(result, this.#log);
  }
}
