/**
 * Whether an index (its snapshot, or the live one) belongs to the log the service reads.
 * A snapshot records the cluster id, the topic and its Kafka topic id beside the offsets
 * it covers; the index is only used on the same cluster, the same incarnation of the
 * topic (deleting and recreating it gives a new topic id), with every covered offset
 * inside the partition's log: not past its end (the log was truncated or replaced), not
 * below its start (retention deleted events the index never saw). Anything else means
 * the index is rebuilt from the topic, never that events are silently skipped.
 * @module
 */
import type { LogState } from "../ingest/mod.ts";

/** The log an index was built from, as recorded in its snapshot. */
export interface RecordedLog {
  readonly clusterId: string | null;
  readonly topic: string;
  /** Null on brokers without topic ids (then only offsets are checked). */
  readonly topicId: string | null;
}

/** Why an index does not belong to the current log. */
export type LogMismatchReason =
  | "no_log_recorded"
  | "cluster_changed"
  | "topic_changed"
  | "topic_recreated"
  | "offset_past_end"
  | "log_start_past_offset";

/** A reason and a sentence saying what differs. */
export interface LogMismatch {
  readonly reason: LogMismatchReason;
  readonly detail: string;
}

/**
 * {@linkcode logMismatch} against a state read by `read`, where a mismatch of offsets
 * (not of identity) must be seen again by a second read `confirmAfterMs` later: while
 * partitions are added, the offsets Kafka lists were once seen to read 0 for a moment.
 */
export async function confirmedMismatch(
  recorded: RecordedLog | null,
  offsets: () => Readonly<Record<string, string>>,
  read: () => Promise<LogState>,
  confirmAfterMs = 1000,
): Promise<{ mismatch: LogMismatch | null; state: LogState }> {
  const state = await read();
  const mismatch = state.exists
    ? logMismatch(recorded, offsets(), state)
    : null;
  if (
    mismatch === null || (mismatch.reason !== "offset_past_end" &&
      mismatch.reason !== "log_start_past_offset")
  ) return { mismatch, state };
  await new Promise((r) => setTimeout(r, confirmAfterMs));
  const again = await read();
  return {
    mismatch: again.exists ? logMismatch(recorded, offsets(), again) : null,
    state: again,
  };
}

/** The identity of `state`, as a snapshot records it. */
export function recordOf(state: LogState): RecordedLog {
  return {
    clusterId: state.clusterId,
    topic: state.topic,
    topicId: state.topicId,
  };
}

/** The recorded log of snapshot metadata, or null when it names none. */
export function recordedLog(meta: unknown): RecordedLog | null {
  const log = (meta as { log?: unknown } | null)?.log;
  if (typeof log !== "object" || log === null) return null;
  const { clusterId, topic, topicId } = log as Record<string, unknown>;
  if (typeof topic !== "string") return null;
  return {
    clusterId: typeof clusterId === "string" ? clusterId : null,
    topic,
    topicId: typeof topicId === "string" ? topicId : null,
  };
}

/**
 * Why an index recorded as `recorded`, covering `offsets` (next offset per partition),
 * cannot continue on `current`; null when it can.
 */
export function logMismatch(
  recorded: RecordedLog | null,
  offsets: Readonly<Record<string, string>>,
  current: LogState,
): LogMismatch | null {
  if (recorded === null) {
    return {
      reason: "no_log_recorded",
      detail:
        "the snapshot does not name the Kafka log it was built from (written by an older version)",
    };
  }
  if (recorded.clusterId !== current.clusterId) {
    return {
      reason: "cluster_changed",
      detail:
        `the snapshot is of cluster "${recorded.clusterId}", the brokers are cluster "${current.clusterId}"`,
    };
  }
  if (recorded.topic !== current.topic) {
    return {
      reason: "topic_changed",
      detail:
        `the snapshot is of topic "${recorded.topic}", the service reads "${current.topic}"`,
    };
  }
  if (recorded.topicId !== current.topicId) {
    return {
      reason: "topic_recreated",
      detail:
        `topic "${current.topic}" has id "${current.topicId}", the snapshot's had "${recorded.topicId}" (deleted and created again)`,
    };
  }
  return offsetMismatch(offsets, current);
}

function offsetMismatch(
  offsets: Readonly<Record<string, string>>,
  current: LogState,
): LogMismatch | null {
  const ranges = new Map(current.partitions.map((p) => [p.partition, p]));
  for (const [partition, next] of Object.entries(offsets)) {
    const range = ranges.get(Number(partition));
    if (range === undefined) {
      return {
        reason: "topic_recreated",
        detail: `partition ${partition} of "${current.topic}" no longer exists`,
      };
    }
    if (BigInt(next) > BigInt(range.high)) {
      return {
        reason: "offset_past_end",
        detail:
          `partition ${partition} is covered up to offset ${next}, but its log ends at ${range.high}`,
      };
    }
    if (BigInt(next) < BigInt(range.low)) {
      return {
        reason: "log_start_past_offset",
        detail:
          `partition ${partition} is covered up to offset ${next}, but its log starts at ${range.low}: events in between were deleted before they were indexed`,
      };
    }
  }
  return null;
}
