/**
 * The live index: the parts that keep one serving index fresh while the service runs.
 * Ingest wiring (events to upserts), snapshots and the log they were taken from,
 * model generations and live swaps, reindex, lag and readiness, thumbnails. The
 * composition root (`app/`) creates them in order; nothing here starts a program.
 * @module
 */
export {
  type ActiveModel,
  resolveModelDir,
  saveActiveModel,
} from "./active_model.ts";
export { type Generation, Generations } from "./generations.ts";
export { IngestGate, pollUntil } from "./ingest_gate.ts";
export { startIngest } from "./ingest.ts";
export { appliedLag, caughtUp, Readiness } from "./lag.ts";
export { type RecordedLog, recordedLog, recordOf } from "./log_identity.ts";
export { LogWatch } from "./log_watch.ts";
export { indexParams, openIndex } from "./open_index.ts";
export { CoveredOffsets, partitionOf } from "./partitions.ts";
export type { ReindexResult } from "./reindex.ts";
export { SnapshotWriter } from "./snapshot_writer.ts";
export { startStatsLog } from "./stats_log.ts";
export { type AutoCompactOptions, type ReindexState, Swaps } from "./swaps.ts";
export {
  serviceThumbnails,
  thumbnailDir,
  ThumbnailStore,
} from "./thumbnails.ts";
