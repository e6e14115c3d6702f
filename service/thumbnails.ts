/**
 * Product thumbnails on disk: small JPEGs made at ingest from the decoded pixels, kept
 * content-addressed in `<snapshots>/thumbs/<sha256/128>.jpg`. A record names its file
 * (`thumb`), so a thumbnail travels with its record through snapshots, live swaps,
 * compaction and read replicas (which read the same snapshots folder); files are
 * written once (temp file, then rename) and never changed, so a reader never sees half
 * a file and two records with the same image share one file.
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Config } from "../config.ts";
import type { ImageResult } from "../encode/mod.ts";
import type { Logger } from "../log.ts";
import type { ImageOutcome } from "../pipeline/mod.ts";

/** File names the store writes: 32 hex digits of the bytes' sha256, `.jpg`. */
const NAME = /^[0-9a-f]{32}\.jpg$/;

/** The store of the ingest service: inside `<DATA_DIR>/snapshots`, where replicas look. */
export function serviceThumbnails(config: Config): ThumbnailStore {
  return new ThumbnailStore(thumbnailDir(join(config.dataDir, "snapshots")));
}

/** The thumbnail folder beside (inside) a snapshots folder. */
export function thumbnailDir(snapshotsDir: string): string {
  return join(snapshotsDir, "thumbs");
}

/** Content-addressed thumbnail files in one folder. */
export class ThumbnailStore {
  readonly #dir: string;
  #made = false;

  /** A store in `dir` (created on the first write). */
  constructor(dir: string) {
    this.#dir = dir;
  }

  /** Stores `bytes` (idempotent) and returns the file name a record keeps. */
  async put(bytes: Uint8Array): Promise<string> {
    const hash = createHash("sha256").update(bytes).digest("hex");
    const name = `${hash.slice(0, 32)}.jpg`;
    const path = join(this.#dir, name);
    if (await exists(path)) return name;
    if (!this.#made) {
      await Deno.mkdir(this.#dir, { recursive: true });
      this.#made = true;
    }
    const temp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
    await Deno.writeFile(temp, bytes);
    await Deno.rename(temp, path);
    return name;
  }

  /** The bytes of a stored thumbnail, or undefined when `name` is not a stored file. */
  async get(name: string): Promise<Uint8Array | undefined> {
    if (!NAME.test(name)) return undefined;
    try {
      return await Deno.readFile(join(this.#dir, name));
    } catch (err: unknown) {
      if (err instanceof Deno.errors.NotFound) return undefined;
      throw err;
    }
  }

  /**
   * The pipeline's image outcome for `result`: its thumbnail stored and named. A
   * failed write is logged and the product indexed without a thumbnail; the vector
   * does not depend on it.
   */
  async keep(
    result: ImageResult,
    log: Logger,
  ): Promise<ImageOutcome> {
    if (result.kind !== "ok" || result.thumbnail === undefined) return result;
    const { tensor, thumbnail } = result;
    try {
      return { kind: "ok", tensor, thumb: await this.put(thumbnail) };
    } catch (err: unknown) {
      log.warn("thumbnail_write_failed", { dir: this.#dir, error: err });
      return { kind: "ok", tensor };
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (err: unknown) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}
