/**
 * The ingest pipeline runner. Input: an async iterable of source messages, in log order per
 * partition. Output: index upserts/removes and dead-letter sends, applied in log order, then a
 * checkpoint of the last offset per partition for every batch. Images load with bounded
 * concurrency; products are encoded in batches flushed by size or time. A bad event goes to the
 * dead-letter sink and ingestion goes on; an unusable image makes a title-only product. A
 * failure of the encoder, the index, the dead-letter sink or the checkpoint rejects the run
 * without checkpointing the failed batch, so its events are replayed (at-least-once). The run
 * ends when the source ends: stopping the source drains what is in flight, then returns.
 * @module
 */
export {
  type PipelineOptions,
  type PipelineSummary,
  runPipeline,
} from "./runner.ts";
export { stoppable } from "./streams.ts";
export { systemClock } from "./clock.ts";
export { Checkpointer, type PartitionOffsets } from "./checkpointer.ts";
export { TombstoneCache } from "./tombstones.ts";
export { PipelineMetrics } from "./metrics.ts";
export type { CheckpointFailure } from "./checkpointer.ts";
