/**
 * Lag as users mean it: messages in the log that are not yet in the index. The source's
 * own lag counts messages handed to the pipeline, which can run hundreds ahead of what is
 * applied (buffer, read-ahead, batches); readiness and /stats use this one instead.
 * @module
 */
import type { SourceStatus } from "../ingest/mod.ts";
import type { PartitionOffsets } from "../pipeline/mod.ts";

/** Applied lag of one partition. */
export interface AppliedLag {
  /** Partition number. */
  readonly partition: number;
  /** Log end offset, or null before it is known. */
  readonly highWatermark: string | null;
  /** Next offset not yet in the index (null: nothing applied or covered yet). */
  readonly appliedNext: string | null;
  /** Messages between the two (from the log start when nothing is applied); null when unknown. */
  readonly lag: number | null;
}

/** Lag of every assigned partition against what the index holds. */
export function appliedLag(
  status: SourceStatus,
  applied: PartitionOffsets,
  topic: string,
): { total: number; known: boolean; partitions: AppliedLag[] } {
  const covered = applied[topic] ?? {};
  const partitions = status.partitions.map((p) => {
    const appliedNext = covered[String(p.partition)] ?? null;
    // Nothing applied yet: everything from the log start is still to come.
    const from = appliedNext ?? p.lowWatermark;
    const lag = p.highWatermark === null || from === null ? null : Number(
      BigInt(p.highWatermark) > BigInt(from)
        ? BigInt(p.highWatermark) - BigInt(from)
        : 0n,
    );
    return {
      partition: p.partition,
      highWatermark: p.highWatermark,
      appliedNext,
      lag,
    };
  });
  return {
    total: partitions.reduce((sum, p) => sum + (p.lag ?? 0), 0),
    known: partitions.length > 0 && partitions.every((p) => p.lag !== null),
    partitions,
  };
}

/** True when the consumer owns partitions and the index holds everything up to their log ends. */
export function caughtUp(
  status: SourceStatus | undefined,
  applied: PartitionOffsets,
  topic: string,
): boolean {
  if (status === undefined || status.state !== "connected") return false;
  const lag = appliedLag(status, applied, topic);
  return lag.known && lag.total === 0;
}

/**
 * Readiness as /readyz reports it: true once the index came from a snapshot or the
 * consumer has caught up with the log once, then stays true (a later lag, such as a broker
 * outage, does not take a serving index out of rotation).
 */
export class Readiness {
  #ready: boolean;
  readonly #check: () => boolean;

  /** `initial`: ready at once (a snapshot was loaded); `check`: caught up now? */
  constructor(initial: boolean, check: () => boolean) {
    this.#ready = initial;
    this.#check = check;
  }

  /** Not ready again until `check` holds (the index is being rebuilt from the log). */
  reset(): void {
    this.#ready = false;
  }

  /** Whether the service is ready; latches the first time `check` holds. */
  get ready(): boolean {
    this.#ready ||= this.#check();
    return this.#ready;
  }
}
