/**
 * Start-up state: the model bundle to run (the configured one, or the one a live
 * upgrade installed) and the index to start from (the newest valid snapshot of that
 * model, or an empty one that the topic rebuilds).
 * @module
 */
import type { Config } from "../config.ts";
import { type ModelBundle } from "../encode/mod.ts";
import {
  createUsearchIndex,
  loadLatestSnapshot,
  type VectorIndex,
} from "../index/mod.ts";
import type { Logger } from "../log.ts";
import type { PartitionOffsets } from "../pipeline/mod.ts";

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
}

/** Index parameters from the config. */
export function indexParams(config: Config) {
  return {
    connectivity: config.index.connectivity,
    expansionAdd: config.index.expansionAdd,
    expansionSearch: config.index.expansionSearch,
    quantization: config.index.quantization,
  };
}

/** The newest valid snapshot of this model, or an empty index when there is none. */
export async function openIndex(
  config: Config,
  bundle: ModelBundle,
  dir: string,
  log: Logger,
): Promise<OpenedIndex> {
  const params = indexParams(config);
  const loaded = await loadLatestSnapshot(dir, {
    modelVersion: bundle.manifest.version,
    index: params,
    log: log.child({ stage: "index" }),
  });
  if (loaded !== null) {
    const meta = loaded.manifest.meta as
      | { offsets?: PartitionOffsets; tombstones?: unknown }
      | undefined;
    return {
      index: loaded.index,
      offsets: meta?.offsets ?? {},
      tombstones: validTombstones(meta?.tombstones),
      fromSnapshot: true,
      loadMs: loaded.durationMs,
    };
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
  return { index, offsets: {}, tombstones: [], fromSnapshot: false, loadMs: 0 };
}

/** The `[id, version]` pairs of snapshot metadata; anything else in it is ignored. */
function validTombstones(value: unknown): Array<[string, number]> {
  if (!Array.isArray(value)) return [];
  return value.filter((e): e is [string, number] =>
    Array.isArray(e) && typeof e[0] === "string" && Number.isInteger(e[1])
  );
}
