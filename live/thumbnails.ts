/**
 * Product thumbnails on disk: small JPEGs made at ingest from the decoded pixels, kept
 * content-addressed in `<snapshots>/thumbs/<sha256/128>.jpg`. A record names its file
 * (`thumb`), so a thumbnail travels with its record through snapshots, live swaps,
 * compaction and read replicas (which read the same snapshots folder); files are
 * written once (temp file, then rename) and never changed, so a reader never sees half
 * a file and two records with the same image share one file. A sweep removes files
 * that no live record names once they are older than a grace period (replaced or
 * deleted products' images), so the folder does not grow without bound.
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Logger } from "../log.ts";
import type { ImageResult } from "../types.ts";

/** File names the store writes: 32 hex digits of the bytes' sha256, `.jpg`. */
const NAME = /^[0-9a-f]{32}\.jpg$/;

/** The store of the ingest service: inside `<dataDir>/snapshots`, where replicas look. */
export function serviceThumbnails(dataDir: string): ThumbnailStore {
  return new ThumbnailStore(thumbnailDir(join(dataDir, "snapshots")));
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

  /**
   * Removes thumbnails (and leftover temp files) not in `referenced` whose file is older
   * than `olderThanMs` (ms since epoch); returns how many went.
   */
  async sweep(
    referenced: ReadonlySet<string>,
    olderThanMs: number,
  ): Promise<number> {
    let removed = 0;
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(this.#dir));
    } catch (err: unknown) {
      if (err instanceof Deno.errors.NotFound) return 0;
      throw err;
    }
    for (const entry of entries) {
      const ours = NAME.test(entry.name) || entry.name.endsWith(".tmp");
      if (!entry.isFile || !ours || referenced.has(entry.name)) continue;
      const path = join(this.#dir, entry.name);
      const { mtime } = await Deno.stat(path);
      if (mtime === null || mtime.getTime() >= olderThanMs) continue;
      await Deno.remove(path).catch((err: unknown) => {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      });
      removed++;
    }
    return removed;
  }

  /** Sweeps every `everyMs` until `signal` aborts; errors are logged, not thrown. */
  async runSweeper(options: SweepOptions, signal: AbortSignal): Promise<void> {
    const everyMs = options.everyMs ?? 600_000;
    const graceMs = options.graceMs ?? 3_600_000;
    while (!signal.aborted) {
      await abortableDelay(everyMs, signal);
      const referenced = options.referenced();
      if (signal.aborted || referenced === null) continue;
      try {
        const removed = await this.sweep(referenced, Date.now() - graceMs);
        if (removed > 0) options.log.info("thumbnails_swept", { removed });
      } catch (err: unknown) {
        options.log.warn("thumbnail_sweep_failed", { error: err });
      }
    }
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
  ): Promise<ImageResult> {
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

/** Options of {@linkcode ThumbnailStore.runSweeper}. */
export interface SweepOptions {
  /** Thumbnail names the live index holds now. */
  readonly referenced: () => ReadonlySet<string> | null;
  /** How often to sweep, ms. @default 600000 */
  readonly everyMs?: number;
  /**
   * Unreferenced files younger than this stay: thumbnails of events in flight, and of
   * snapshots a read replica may still serve. @default 3600000
   */
  readonly graceMs?: number;
  readonly log: Logger;
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
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
