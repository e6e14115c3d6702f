/**
 * Per-partition progress of a consumer: assignment, high watermark, next offset to
 * deliver, committed offset; from these, lag.
 * @module
 */
import type { MessagePosition } from "../types.ts";
import type { PartitionLag } from "./event_source.ts";

interface Entry {
  high: bigint | null;
  low: bigint | null;
  delivered: bigint | null;
  committed: bigint | null;
}

/** Tracks the partitions of one topic. */
export class PartitionTracker {
  readonly topic: string;
  #entries = new Map<number, Entry>();
  #generations = 0;

  constructor(topic: string) {
    this.topic = topic;
  }

  /** Group generations joined so far. */
  get generations(): number {
    return this.#generations;
  }

  /** Replaces the assignment (a group join); keeps what is known of kept partitions. */
  assign(partitions: readonly number[]): void {
    this.#generations++;
    const next = new Map<number, Entry>();
    for (const p of partitions) {
      next.set(p, this.#entries.get(p) ?? blank());
    }
    this.#entries = next;
  }

  /** Drops the assignment (the consumer stopped or crashed). */
  clear(): void {
    this.#entries.clear();
  }

  /** Partitions assigned now. */
  assigned(): number[] {
    return [...this.#entries.keys()];
  }

  isAssigned(partition: number): boolean {
    return this.#entries.has(partition);
  }

  onHighWatermark(partition: number, high: string): void {
    const e = this.#entries.get(partition);
    if (e) e.high = BigInt(high);
  }

  onDelivered(partition: number, offset: string): void {
    const e = this.#entries.get(partition);
    if (e) e.delivered = BigInt(offset) + 1n;
  }

  /** The partition is read again from an earlier offset: nothing is delivered yet. */
  rewind(partition: number): void {
    const e = this.#entries.get(partition);
    if (e) e.delivered = null;
  }

  /** `next` = the committed offset (last done + 1). */
  onCommitted(partition: number, next: string): void {
    const e = this.#entries.get(partition);
    if (e) e.committed = BigInt(next);
  }

  /** Watermarks and committed offsets fetched from the cluster (-1 = none). */
  onFetched(
    partition: number,
    info: { high: string; low: string; committed: string },
  ): void {
    const e = this.#entries.get(partition);
    if (!e) return;
    e.high = BigInt(info.high);
    e.low = BigInt(info.low);
    const committed = BigInt(info.committed);
    if (committed >= 0n) e.committed = committed;
  }

  /**
   * Offsets to commit for `positions`: the highest position + 1 per partition this
   * consumer owns; positions of other topics or partitions come back as `skipped`.
   */
  toCommit(positions: readonly MessagePosition[]): {
    offsets: { partition: number; offset: string }[];
    skipped: MessagePosition[];
  } {
    const latest = new Map<number, bigint>();
    const skipped: MessagePosition[] = [];
    for (const pos of positions) {
      if (pos.topic !== this.topic || !this.isAssigned(pos.partition)) {
        skipped.push(pos);
        continue;
      }
      const next = BigInt(pos.offset) + 1n;
      if (next > (latest.get(pos.partition) ?? -1n)) {
        latest.set(pos.partition, next);
      }
    }
    const offsets = [...latest].map(([partition, next]) => ({
      partition,
      offset: next.toString(),
    }));
    return { offsets, skipped };
  }

  /** Assigned partitions (ascending). */
  partitions(): number[] {
    return [...this.#entries.keys()].sort((a, b) => a - b);
  }

  /** Lag of every assigned partition. */
  lag(): PartitionLag[] {
    return this.partitions().map((partition) => {
      const e = this.#entries.get(partition) ?? blank();
      const next = e.delivered ?? e.committed ?? e.low;
      const lag = e.high !== null && next !== null
        ? Number(e.high > next ? e.high - next : 0n)
        : null;
      return {
        topic: this.topic,
        partition,
        lowWatermark: str(e.low),
        highWatermark: str(e.high),
        nextOffset: str(next),
        committedOffset: str(e.committed),
        lag,
      };
    });
  }
}

function blank(): Entry {
  return { high: null, low: null, delivered: null, committed: null };
}

function str(v: bigint | null): string | null {
  return v === null ? null : v.toString();
}
