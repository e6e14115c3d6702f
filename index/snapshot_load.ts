/**
 * Finds and loads the newest valid snapshot; corrupt, truncated or unreadable ones are
 * reported and skipped in favour of the next older one.
 * @module
 */

import { join } from "node:path";
import type { Logger } from "../log.ts";
import type { ProductRecord } from "../types.ts";
import type { BaseIndex } from "./_base_index.ts";
import { resolveOptions } from "./_options.ts";
import {
  type FileEntry,
  fileEntry,
  GRAPH,
  listSnapshots,
  MANIFEST,
  MANIFEST_SUM,
  manifestProblems,
  RECORDS,
  sha256,
  type SnapshotManifest,
  VECTORS,
} from "./_snapshot_format.ts";
import { BruteForceIndex } from "./brute_force_index.ts";
import { UsearchIndex } from "./usearch_index.ts";
import type {
  IndexKind,
  UsearchIndexOptions,
  VectorIndex,
} from "./vector_index.ts";

/** Options of {@linkcode loadLatestSnapshot}. */
export interface LoadSnapshotOptions {
  /** Implementation to load into. @default the snapshot's own kind */
  readonly kind?: IndexKind;
  /**
   * Settings overriding the snapshot's. Changing `connectivity` or `quantization`
   * rebuilds the graph from the stored vectors instead of loading it.
   */
  readonly index?: Partial<
    Pick<
      UsearchIndexOptions,
      | "connectivity"
      | "expansionAdd"
      | "expansionSearch"
      | "quantization"
      | "bulkThreads"
      | "exactFilterMaxRows"
    >
  >;
  /** Only accept snapshots of this model version (others are reported and skipped). */
  readonly modelVersion?: string;
  /** Receives `snapshot_invalid` per skipped snapshot and `snapshot_loaded`. */
  readonly log?: Logger;
}

/** A loaded snapshot. */
export interface LoadedSnapshot {
  /** The restored index (the caller owns and disposes it). */
  readonly index: VectorIndex;
  /** Its manifest, with the caller metadata saved with it. */
  readonly manifest: SnapshotManifest;
  /** The snapshot folder. */
  readonly path: string;
  /** Whether the USearch graph was loaded (false: rebuilt from vectors). */
  readonly graphLoaded: boolean;
  /** Problems of newer snapshots that were skipped, one line each. */
  readonly problems: readonly string[];
  /** Time the load took. */
  readonly durationMs: number;
}

/** A snapshot whose files all passed their checks, with the bytes read. */
export interface VerifiedSnapshot {
  /** The parsed manifest. */
  readonly manifest: SnapshotManifest;
  /** Content of records.jsonl. */
  readonly records: Uint8Array;
  /** Content of vectors.f32. */
  readonly vectors: Uint8Array;
}

/**
 * Loads the newest valid snapshot under `dir`, or returns null when there is none
 * (the caller then rebuilds from the topic). Temp folders of crashed writes are ignored.
 */
export async function loadLatestSnapshot(
  dir: string,
  options: LoadSnapshotOptions = {},
): Promise<LoadedSnapshot | null> {
  const started = performance.now();
  const problems: string[] = [];
  for (const { name } of await listSnapshots(dir)) {
    const path = join(dir, name);
    const checked = await verifySnapshot(path);
    let found = checked.problems;
    if (found.length === 0 && checked.verified) {
      const m = checked.verified.manifest;
      if (
        options.modelVersion !== undefined &&
        m.modelVersion !== options.modelVersion
      ) {
        found = [
          `model version "${m.modelVersion}" is not "${options.modelVersion}"`,
        ];
      } else {
        try {
          const { index, graphLoaded } = build(checked.verified, path, options);
          const durationMs = performance.now() - started;
          options.log?.info("snapshot_loaded", {
            path,
            count: m.count,
            graphLoaded,
            durationMs,
          });
          return {
            index,
            manifest: m,
            path,
            graphLoaded,
            problems,
            durationMs,
          };
        } catch (err: unknown) {
          found = [`cannot rebuild index: ${String(err)}`];
        }
      }
    }
    for (const p of found) problems.push(`${name}: ${p}`);
    options.log?.warn("snapshot_invalid", { path, problems: found });
  }
  return null;
}

/** Checks a snapshot folder; `problems` is empty when every checksum and field is right. */
export async function verifySnapshot(
  path: string,
): Promise<{ problems: string[]; verified?: VerifiedSnapshot }> {
  let manifestBytes: Uint8Array;
  let sum: string;
  try {
    manifestBytes = await Deno.readFile(join(path, MANIFEST));
    sum = (await Deno.readTextFile(join(path, MANIFEST_SUM))).trim();
  } catch (err: unknown) {
    return { problems: [`cannot read manifest: ${String(err)}`] };
  }
  if (sha256(manifestBytes) !== sum) {
    return { problems: [`${MANIFEST} checksum mismatch`] };
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(new TextDecoder().decode(manifestBytes));
  } catch (err: unknown) {
    return { problems: [`${MANIFEST} is not JSON: ${String(err)}`] };
  }
  const fieldProblems = manifestProblems(parsed);
  if (fieldProblems.length > 0) return { problems: fieldProblems };
  const manifest = parsed as unknown as SnapshotManifest;
  const names = manifest.kind === "usearch"
    ? [RECORDS, VECTORS, GRAPH]
    : [RECORDS, VECTORS];
  const problems: string[] = [];
  const bytes = new Map<string, Uint8Array>();
  for (const name of names) {
    const problem = await checkFile(path, name, manifest);
    if (typeof problem === "string") problems.push(problem);
    else if (name !== GRAPH) bytes.set(name, problem);
  }
  const records = bytes.get(RECORDS);
  const vectors = bytes.get(VECTORS);
  if (problems.length > 0 || !records || !vectors) return { problems };
  return { problems, verified: { manifest, records, vectors } };
}

async function checkFile(
  path: string,
  name: string,
  manifest: SnapshotManifest,
): Promise<Uint8Array | string> {
  const entry = manifest.files[name];
  if (entry === undefined) return `${name} is missing from the manifest`;
  if (name === GRAPH) return await checkStreamed(path, name, entry);
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(join(path, name));
  } catch (err: unknown) {
    return `cannot read ${name}: ${String(err)}`;
  }
  if (bytes.length !== entry.bytes) {
    return `${name} has ${bytes.length} bytes, manifest says ${entry.bytes}`;
  }
  if (sha256(bytes) !== entry.sha256) return `${name} checksum mismatch`;
  return bytes;
}

/** Checks a file USearch reads itself without holding it (it can be hundreds of MiB). */
async function checkStreamed(
  path: string,
  name: string,
  entry: FileEntry,
): Promise<Uint8Array | string> {
  let found: FileEntry;
  try {
    found = await fileEntry(join(path, name));
  } catch (err: unknown) {
    return `cannot read ${name}: ${String(err)}`;
  }
  if (found.bytes !== entry.bytes) {
    return `${name} has ${found.bytes} bytes, manifest says ${entry.bytes}`;
  }
  if (found.sha256 !== entry.sha256) return `${name} checksum mismatch`;
  return new Uint8Array(0);
}

function build(
  verified: VerifiedSnapshot,
  path: string,
  options: LoadSnapshotOptions,
): { index: VectorIndex; graphLoaded: boolean } {
  const m = verified.manifest;
  const kind = options.kind ?? m.kind;
  const resolved = resolveOptions(kind, {
    dims: m.dims,
    modelVersion: m.modelVersion,
    initialCapacity: Math.max(1, m.rows),
    ...m.params,
    ...options.index,
  });
  const { rows, records } = parseRecords(verified.records, m.count);
  const vectors = asFloat32(verified.vectors);
  const graphLoaded = kind === "usearch" && m.kind === "usearch" &&
    resolved.connectivity === m.params.connectivity &&
    resolved.quantization === m.params.quantization;
  const index: BaseIndex = kind === "usearch"
    ? UsearchIndex.fromResolved(resolved)
    : BruteForceIndex.fromResolved(resolved);
  try {
    index.restoreRows({ rows, records }, vectors, {
      totalRows: m.rows,
      mirror: !graphLoaded,
    });
    if (graphLoaded) {
      (index as UsearchIndex).loadGraph(join(path, GRAPH), m.tombstones);
    }
  } catch (err: unknown) {
    index[Symbol.dispose]();
    throw err;
  }
  return { index, graphLoaded };
}

/**
 * Parses records.jsonl piece by piece (about 4 MiB at a line boundary): decoding the
 * whole file into one string would hit V8's string length limit (2^29 characters)
 * at around two million products.
 */
function parseRecords(bytes: Uint8Array, count: number) {
  const rows: number[] = new Array(count);
  const records: ProductRecord[] = new Array(count);
  const decoder = new TextDecoder();
  let n = 0;
  for (let start = 0; start < bytes.length;) {
    let end = Math.min(bytes.length, start + (4 << 20));
    if (end < bytes.length) {
      const nl = bytes.indexOf(10, end);
      end = nl < 0 ? bytes.length : nl + 1;
    }
    for (const line of decoder.decode(bytes.subarray(start, end)).split("\n")) {
      if (line === "") continue;
      if (n < count) {
        const [row, record] = JSON.parse(line) as [number, ProductRecord];
        rows[n] = row;
        records[n] = record;
      }
      n++;
    }
    start = end;
  }
  if (n !== count) {
    throw new RangeError(`${RECORDS} has ${n} lines, manifest says ${count}`);
  }
  return { rows, records };
}

/** Views little-endian float32 bytes as a Float32Array (copying when unaligned). */
function asFloat32(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4 !== 0) {
    throw new RangeError(
      `${VECTORS} length ${bytes.byteLength} is not a multiple of 4`,
    );
  }
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return new Float32Array(
    aligned.buffer,
    aligned.byteOffset,
    aligned.byteLength / 4,
  );
}
