/**
 * On-disk layout of an index snapshot folder, shared by save and load.
 *
 * ```
 * <dir>/snap-0000000042/
 *   manifest.json     SnapshotManifest (below)
 *   manifest.sha256   hex sha256 of manifest.json
 *   records.jsonl     one `[row, record]` JSON array per live product, rows ascending
 *   vectors.f32       live rows' L2-normalised vectors, float32 little-endian, same order
 *   graph.usearch     USearch's own serialisation (usearch snapshots only)
 * ```
 * @module
 */

import { createHash } from "node:crypto";
import type { IndexKind, Quantization } from "./vector_index.ts";

/** Value of `manifest.format`. */
export const SNAPSHOT_FORMAT = "product-index-snapshot/1";
/** Folder names of complete snapshots. */
export const SNAPSHOT_NAME = /^snap-(\d{10})$/;
/** Prefix of folders being written; a leftover one is a crashed write. */
export const TEMP_PREFIX = ".tmp-snap-";

/** Manifest file name. */
export const MANIFEST = "manifest.json";
/** File holding the manifest's sha256. */
export const MANIFEST_SUM = "manifest.sha256";
/** Records file name. */
export const RECORDS = "records.jsonl";
/** Vectors file name. */
export const VECTORS = "vectors.f32";
/** USearch graph file name. */
export const GRAPH = "graph.usearch";

/** Size and checksum of one snapshot file. */
export interface FileEntry {
  /** Size in bytes. */
  readonly bytes: number;
  /** Hex sha256 of the content. */
  readonly sha256: string;
}

/** JSON-compatible caller metadata, such as Kafka offsets per partition. */
export type SnapshotMeta = Readonly<Record<string, unknown>>;

/** What a snapshot holds and how to check it. */
export interface SnapshotManifest {
  /** Layout version: "product-index-snapshot/1". */
  readonly format: string;
  /** Sequence number, also in the folder name. */
  readonly seq: number;
  /** When the index state was captured, ms since epoch. */
  readonly createdAtMs: number;
  /** Implementation that wrote it. */
  readonly kind: IndexKind;
  /** Vector length. */
  readonly dims: number;
  /** Model bundle version of the vectors. */
  readonly modelVersion: string;
  /** Live products. */
  readonly count: number;
  /** Rows allocated when saved (live + stale); new rows continue from here. */
  readonly rows: number;
  /** USearch tombstone slots when saved. */
  readonly tombstones: number;
  /** Index parameters the snapshot was built with. */
  readonly params: {
    readonly connectivity: number;
    readonly expansionAdd: number;
    readonly expansionSearch: number;
    readonly quantization: Quantization;
    readonly exactFilterMaxRows: number;
  };
  /** Every data file with its size and sha256. */
  readonly files: Readonly<Record<string, FileEntry>>;
  /** Caller metadata (Kafka offsets, bundle version, …), stored verbatim. */
  readonly meta: SnapshotMeta;
}

/** Hex sha256 of some bytes. */
export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Size and hex sha256 of a file, read in 8 MiB pieces (a graph file of a million
 * products is hundreds of MiB: it is never held whole).
 */
export async function fileEntry(path: string): Promise<FileEntry> {
  const hash = createHash("sha256");
  const buffer = new Uint8Array(8 << 20);
  let bytes = 0;
  using file = await Deno.open(path, { read: true });
  for (;;) {
    const n = await file.read(buffer);
    if (n === null) break;
    hash.update(buffer.subarray(0, n));
    bytes += n;
  }
  return { bytes, sha256: hash.digest("hex") };
}

/** The folder name of snapshot number `seq`. */
export function snapshotName(seq: number): string {
  return `snap-${String(seq).padStart(10, "0")}`;
}

/** Snapshot folders in `dir`, newest first; `[]` when `dir` does not exist. */
export async function listSnapshots(
  dir: string,
): Promise<{ name: string; seq: number }[]> {
  const found: { name: string; seq: number }[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const m = SNAPSHOT_NAME.exec(entry.name);
      if (entry.isDirectory && m) {
        found.push({ name: entry.name, seq: Number(m[1]) });
      }
    }
  } catch (err: unknown) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  return found.sort((a, b) => b.seq - a.seq);
}

/** Problems with a parsed manifest's fields; empty when it is usable. */
export function manifestProblems(m: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (m.format !== SNAPSHOT_FORMAT) {
    problems.push(`format is not "${SNAPSHOT_FORMAT}"`);
  }
  for (
    const f of ["seq", "createdAtMs", "dims", "count", "rows", "tombstones"]
  ) {
    if (typeof m[f] !== "number" || !Number.isInteger(m[f])) {
      problems.push(`${f} is not an integer`);
    }
  }
  if (m.kind !== "usearch" && m.kind !== "brute-force") {
    problems.push("kind is unknown");
  }
  if (typeof m.modelVersion !== "string") {
    problems.push("modelVersion is not a string");
  }
  if (typeof m.params !== "object" || m.params === null) {
    problems.push("params missing");
  }
  if (typeof m.files !== "object" || m.files === null) {
    problems.push("files missing");
  }
  if (typeof m.meta !== "object" || m.meta === null) {
    problems.push("meta missing");
  }
  return problems;
}
