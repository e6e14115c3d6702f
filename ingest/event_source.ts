/**
 * The event source contract shared by the Kafka source and the in-memory one.
 * @module
 */
import type { MessagePosition, SourceMessage } from "../types.ts";

/**
 * Raw messages in log order per partition, pulled on demand. One iteration at a time;
 * the iteration ends when the source is disposed.
 */
export interface EventSource
  extends AsyncIterable<SourceMessage>, AsyncDisposable {
  /**
   * Marks everything up to and including these offsets as done (Kafka commits
   * offset + 1 per partition). Positions of partitions this consumer no longer owns are
   * skipped: their new owner redelivers them.
   */
  commit(positions: readonly MessagePosition[]): Promise<void>;
}

/** Consumer progress of one partition. */
export interface PartitionLag {
  /** Topic name. */
  readonly topic: string;
  /** Partition number. */
  readonly partition: number;
  /** First offset still in the log (compaction and retention move it), or null before it is known. */
  readonly lowWatermark: string | null;
  /** Offset the next produced message will get; null before it is known. */
  readonly highWatermark: string | null;
  /** Offset of the next message the pipeline will get; null before it is known. */
  readonly nextOffset: string | null;
  /** Committed offset (the next one to read after a restart); null when none. */
  readonly committedOffset: string | null;
  /** highWatermark − nextOffset, or null when either is unknown. */
  readonly lag: number | null;
}

/** Connection state for /readyz and /stats. */
export type ConnectionState =
  | "connecting"
  | "connected"
  | "disconnected"
  | "failed"
  | "stopped";

/** What a source reports about itself. */
export interface SourceStatus {
  /** "connected" while the cluster answered within `staleAfterMs`. */
  readonly state: ConnectionState;
  /** Last time the cluster answered (fetch, heartbeat, offsets), ms since epoch; 0 never. */
  readonly lastContactMs: number;
  /** The latest error seen (it may be old; see `state`). */
  readonly lastError: string | null;
  /** Messages waiting in the bounded buffer. */
  readonly buffered: number;
  /** Partitions assigned to this consumer. */
  readonly partitions: readonly PartitionLag[];
  /** Sum of known per-partition lag. */
  readonly totalLag: number;
  /** Consumer group generations joined (rebalances + 1). */
  readonly rebalances: number;
}
