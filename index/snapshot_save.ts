/**
 * Writes an index snapshot atomically: a temp folder, every file fsynced, a rename, an
 * fsync of the parent; then prunes old snapshots.
 * @module
 */

import { createHash } from "node:crypto";
import { join } from "node:path";
import { IndexError } from "../errors.ts";
import { OPTIONS } from "../config.ts";
import type { Logger } from "../log.ts";
import type { ProductRecord } from "../types.ts";
import { BaseIndex } from "./_base_index.ts";
import {
  type FileEntry,
  fileEntry,
  GRAPH,
  listSnapshots,
  MANIFEST,
  MANIFEST_SUM,
  RECORDS,
  sha256,
  SNAPSHOT_FORMAT,
  type SnapshotManifest,
  type SnapshotMeta,
  snapshotName,
  TEMP_PREFIX,
  VECTORS,
} from "./_snapshot_format.ts";
import { UsearchIndex } from "./usearch_index.ts";
import type { VectorIndex } from "./vector_index.ts";

/** Options of {@linkcode saveSnapshot}. */
export interface SaveSnapshotOptions {
  /** Caller metadata stored in the manifest (Kafka offsets per partition, …). @default {} */
  readonly meta?: SnapshotMeta;
  /** Snapshots kept, this one included; older ones are deleted. @default `SNAPSHOT_KEEP`'s */
  readonly keep?: number;
  /** Clock for `createdAtMs`. @default Date.now */
  readonly now?: () => number;
  /** Receives `snapshot_saved`, `snapshot_pruned` and `snapshot_temp_removed`. */
  readonly log?: Logger;
}

/** A snapshot on disk. */
export interface SnapshotInfo {
  /** The snapshot folder. */
  readonly path: string;
  /** Its manifest. */
  readonly manifest: SnapshotManifest;
  /** Time the save took. */
  readonly durationMs: number;
}

/** State captured synchronously so later awaits cannot see a half-applied update. */
interface Captured {
  readonly rows: number[];
  readonly records: ProductRecord[];
  readonly vectors: Float32Array;
  readonly totalRows: number;
  readonly tombstones: number;
  readonly graph: boolean;
  readonly createdAtMs: number;
  readonly meta: SnapshotMeta;
}

/**
 * Saves `index` under `dir` as `snap-<seq>`. The index state and `meta` are captured
 * synchronously at the call, so compute `meta` (e.g. offsets) right before calling.
 * Only one writer may use `dir` at a time; it removes temp folders left by crashes.
 * @throws {TypeError} when `index` did not come from this module
 * @throws {IndexError} when writing fails (the temp folder is removed)
 */
export async function saveSnapshot(
  index: VectorIndex,
  dir: string,
  options: SaveSnapshotOptions = {},
): Promise<SnapshotInfo> {
  if (!(index instanceof BaseIndex)) {
    throw new TypeError(
      "Cannot save snapshot: index was not created by index/mod.ts",
    );
  }
  const started = performance.now();
  const keep = options.keep ?? OPTIONS.snapshots.keep.default;
  if (!Number.isInteger(keep) || keep < 1) {
    throw new RangeError(
      `Cannot save snapshot: keep must be an integer ≥ 1, got ${keep}`,
    );
  }
  let temp = "";
  try {
    // Synchronous section: the temp folder, then rows, records, vectors, the native
    // graph and meta captured together, before any await lets an upsert in.
    temp = prepareTemp(dir, options.log);
    const captured = capture(index, temp, options);
    const seq = ((await listSnapshots(dir))[0]?.seq ?? 0) + 1;
    const manifest = await writeFiles(index, temp, captured, seq);
    const path = join(dir, snapshotName(seq));
    await Deno.rename(temp, path);
    temp = "";
    await fsyncDir(dir);
    await prune(dir, keep, options.log);
    const durationMs = performance.now() - started;
    options.log?.info("snapshot_saved", {
      path,
      seq,
      count: manifest.count,
      durationMs,
    });
    return { path, manifest, durationMs };
  } catch (err: unknown) {
    if (temp !== "") {
      await Deno.remove(temp, { recursive: true }).catch(() => {
        // Best effort: the next save removes leftover temp folders anyway.
      });
    }
    throw new IndexError(`Cannot save snapshot in "${dir}": ${String(err)}`, {
      cause: err,
    });
  }
}

/** Creates `dir` and a fresh temp folder in it, removing temp folders of crashed writes. */
function prepareTemp(dir: string, log: Logger | undefined): string {
  Deno.mkdirSync(dir, { recursive: true });
  for (const entry of Deno.readDirSync(dir)) {
    if (!entry.name.startsWith(TEMP_PREFIX)) continue;
    Deno.removeSync(join(dir, entry.name), { recursive: true });
    log?.warn("snapshot_temp_removed", { path: join(dir, entry.name) });
  }
  return Deno.makeTempDirSync({ dir, prefix: TEMP_PREFIX });
}

async function writeFiles(
  index: BaseIndex,
  temp: string,
  captured: Captured,
  seq: number,
): Promise<SnapshotManifest> {
  const files: Record<string, FileEntry> = {};
  files[RECORDS] = await writeSynced(
    join(temp, RECORDS),
    recordChunks(captured),
  );
  files[VECTORS] = await writeSynced(join(temp, VECTORS), [
    new Uint8Array(captured.vectors.buffer),
  ]);
  if (captured.graph) files[GRAPH] = await syncExisting(join(temp, GRAPH));
  const o = index.options;
  const manifest: SnapshotManifest = {
    format: SNAPSHOT_FORMAT,
    seq,
    createdAtMs: captured.createdAtMs,
    kind: o.kind,
    dims: o.dims,
    modelVersion: o.modelVersion,
    count: captured.rows.length,
    rows: captured.totalRows,
    tombstones: captured.tombstones,
    params: {
      connectivity: o.connectivity,
      expansionAdd: o.expansionAdd,
      expansionSearch: o.expansionSearch,
      quantization: o.quantization,
      exactFilterMaxRows: o.exactFilterMaxRows,
    },
    files,
    meta: captured.meta,
  };
  const manifestBytes = new TextEncoder().encode(
    JSON.stringify(manifest, null, 2) + "\n",
  );
  await writeSynced(join(temp, MANIFEST), [manifestBytes]);
  await writeSynced(join(temp, MANIFEST_SUM), [
    new TextEncoder().encode(sha256(manifestBytes) + "\n"),
  ]);
  await fsyncDir(temp);
  return manifest;
}

function capture(
  index: BaseIndex,
  temp: string,
  options: SaveSnapshotOptions,
): Captured {
  const store = index.rowStore;
  const dims = index.dims;
  const rows: number[] = [];
  const records: ProductRecord[] = [];
  for (const row of store.liveRows()) {
    rows.push(row);
    records.push(store.record(row) as ProductRecord);
  }
  const vectors = new Float32Array(rows.length * dims);
  const slab = store.vectors;
  rows.forEach((row, i) =>
    vectors.set(slab.subarray(row * dims, (row + 1) * dims), i * dims)
  );
  const graph = index instanceof UsearchIndex;
  if (graph) index.saveGraph(join(temp, GRAPH));
  return {
    rows,
    records,
    vectors,
    totalRows: store.rows,
    tombstones: graph ? index.tombstones : 0,
    graph,
    createdAtMs: (options.now ?? Date.now)(),
    meta: structuredClone(options.meta ?? {}),
  };
}

function* recordChunks(captured: Captured): Generator<Uint8Array> {
  const encoder = new TextEncoder();
  const chunk = 4096;
  for (let i = 0; i < captured.rows.length; i += chunk) {
    let text = "";
    const end = Math.min(captured.rows.length, i + chunk);
    for (let j = i; j < end; j++) {
      text += JSON.stringify([captured.rows[j], captured.records[j]]) + "\n";
    }
    yield encoder.encode(text);
  }
}

/** Writes chunks to a new file, fsyncs it and returns its size and sha256. */
async function writeSynced(
  path: string,
  chunks: Iterable<Uint8Array>,
): Promise<FileEntry> {
  const hash = new Sha256Stream();
  using file = await Deno.open(path, { write: true, createNew: true });
  for (const chunk of chunks) {
    hash.update(chunk);
    let off = 0;
    while (off < chunk.length) off += await file.write(chunk.subarray(off));
  }
  await file.sync();
  return hash.entry();
}

/** Fsyncs a file written by native code and returns its size and sha256. */
async function syncExisting(path: string): Promise<FileEntry> {
  {
    using file = await Deno.open(path, { read: true, write: true });
    await file.sync();
  }
  return await fileEntry(path);
}

async function fsyncDir(path: string): Promise<void> {
  using dir = await Deno.open(path, { read: true });
  await dir.sync();
}

async function prune(
  dir: string,
  keep: number,
  log: Logger | undefined,
): Promise<void> {
  const all = await listSnapshots(dir);
  for (const old of all.slice(keep)) {
    await Deno.remove(join(dir, old.name), { recursive: true });
    log?.info("snapshot_pruned", { path: join(dir, old.name), seq: old.seq });
  }
}

/** Incremental sha256 with a byte count. */
class Sha256Stream {
  #hash = createHash("sha256");
  #bytes = 0;
  update(chunk: Uint8Array): void {
    this.#hash.update(chunk);
    this.#bytes += chunk.length;
  }
  entry(): FileEntry {
    return { bytes: this.#bytes, sha256: this.#hash.digest("hex") };
  }
}
