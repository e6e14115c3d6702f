/**
 * The live index: the parts that keep one serving index fresh while the service runs.
 * {@linkcode LiveIndex} (the index, its model, coverage and durable progress),
 * {@linkcode LiveIngest} (events to upserts, created first and started last),
 * {@linkcode Swaps} (compaction, model upgrades), {@linkcode LogWatch} (the log the
 * index belongs to), readiness and lag, thumbnails. The composition root (`app/`)
 * creates them in order; nothing here starts a program.
 * @module
 */
export { resolveModelDir, saveActiveModel } from "./active_model.ts";
export { EventInput } from "./event_input.ts";
export { type Generation, Generations } from "./generations.ts";
export { type IngestSettings, LiveIngest } from "./ingest.ts";
export { appliedLag, caughtUp, Readiness } from "./lag.ts";
export { LiveIndex, SWAP_GRACE_MS } from "./live_index.ts";
export { type RecordedLog, recordOf } from "./log_identity.ts";
export { type LogStats, LogWatch } from "./log_watch.ts";
export { type OpenedIndex, openIndex } from "./open_index.ts";
export { partitionOf } from "./partitions.ts";
export type { ReindexSettings } from "./reindex.ts";
export { SnapshotFollower } from "./snapshot_follower.ts";
export { startStatsLog } from "./stats_log.ts";
export { type ReindexState, Swaps } from "./swaps.ts";
export {
  serviceThumbnails,
  thumbnailDir,
  ThumbnailStore,
} from "./thumbnails.ts";
