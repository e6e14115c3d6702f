/**
 * Start-up state: the model bundle to run (the configured one, or the one a live
 * upgrade installed) and the index to start from (the newest valid snapshot of that
 * model that belongs to the current Kafka log, or an empty one that the topic rebuilds).
 * Snapshots of another log are moved aside to `snapshots/rejected/`, so neither a
 * restart nor a read replica loads them again.
 * @module
 */
import { join } from "node:path";
import type { IndexConfig } from "../config.ts";
import { type ModelBundle } from "../encode/mod.ts";
import {
  createUsearchIndex,
  listSnapshots,
  loadLatestSnapshot,
  type VectorIndex,
} from "../index/mod.ts";
import type { LogState } from "../ingest/mod.ts";
import type { Logger } from "../log.ts";
import type { PartitionOffsets } from "../pipeline/mod.ts";
import {
  confirmedMismatch,
  type LogMismatch,
  logMismatch,
  recordedLog,
} from "./log_identity.ts";

/** The index the service starts from. */
export interface OpenedIndex {
  readonly index: VectorIndex;
  /** Next offset per topic and partition the index covers (empty without snapshot). */
  readonly offsets: PartitionOffsets;
  /** Versions of recent deletes, `[id, version]` (empty without snapshot). */
  readonly tombstones: ReadonlyArray<readonly [string, number]>;
  readonly fromSnapshot: boolean;
  /** Snapshot load time, ms (0 without snapshot). */
  readonly loadMs: number;
  /** Why the newest snapshot was not used: it belongs to another log. */
  readonly rejected: LogMismatch | null;
}

/**
 * The newest valid snapshot of this model when it belongs to `current` (the log the
 * service will read), else an empty index.
 */
export async function openIndex(
  params: IndexConfig,
  bundle: ModelBundle,
  dir: string,
  options: {
    log: Logger;
    /** The log the service reads, as read just now. */
    current: LogState;
    /** Reads it again, to confirm a mismatch of offsets. @default `current` */
    read?: () => Promise<LogState>;
  },
): Promise<OpenedIndex> {
  const { log, current } = options;
  const loaded = await loadLatestSnapshot(dir, {
    modelVersion: bundle.manifest.version,
    index: params,
    log: log.child({ stage: "index" }),
  });
  let rejected: LogMismatch | null = null;
  if (loaded !== null) {
    const meta = loaded.manifest.meta as
      | { offsets?: PartitionOffsets; tombstones?: unknown }
      | undefined;
    const offsets = meta?.offsets ?? {};
    const first = logMismatch(
      recordedLog(meta),
      offsets[current.topic] ?? {},
      current,
    );
    rejected = first === null ? null : (await confirmedMismatch(
      recordedLog(meta),
      () => offsets[current.topic] ?? {},
      options.read ?? (() => Promise.resolve(current)),
    )).mismatch;
    if (rejected === null) {
      return {
        index: loaded.index,
        offsets,
        tombstones: validTombstones(meta?.tombstones),
        fromSnapshot: true,
        loadMs: loaded.durationMs,
        rejected: null,
      };
    }
    loaded.index[Symbol.dispose]();
    const movedTo = await moveAside(dir);
    log.warn("snapshot_rejected", {
      reason: rejected.reason,
      why: `${rejected.detail}: rebuilding the index from the topic`,
      snapshot: loaded.path,
      snapshotLog: recordedLog(meta),
      currentLog: {
        clusterId: current.clusterId,
        topic: current.topic,
        topicId: current.topicId,
      },
      movedTo,
    });
  }
  log.info("index_empty", {
    modelVersion: bundle.manifest.version,
    why: "no valid snapshot of this model: rebuilding from the topic",
  });
  const index = createUsearchIndex({
    dims: bundle.manifest.dims,
    modelVersion: bundle.manifest.version,
    ...params,
  });
  return {
    index,
    offsets: {},
    tombstones: [],
    fromSnapshot: false,
    loadMs: 0,
    rejected,
  };
}

/** Moves every snapshot in `dir` to `dir/rejected/` (replacing what was there). */
async function moveAside(dir: string): Promise<string> {
  const aside = join(dir, "rejected");
  await Deno.remove(aside, { recursive: true }).catch((err: unknown) => {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  });
  await Deno.mkdir(aside);
  for (const { name } of await listSnapshots(dir)) {
    await Deno.rename(join(dir, name), join(aside, name));
  }
  return aside;
}

/** The `[id, version]` pairs of snapshot metadata; anything else in it is ignored. */
function validTombstones(value: unknown): Array<[string, number]> {
  if (!Array.isArray(value)) return [];
  return value.filter((e): e is [string, number] =>
    Array.isArray(e) && typeof e[0] === "string" && Number.isInteger(e[1])
  );
}
