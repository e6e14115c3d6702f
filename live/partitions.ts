/**
 * Which partitions this process owns, and how far its own index covers each of them.
 * The index (its snapshot, then what the pipeline applied) is the truth about where to
 * read: on every group join each assigned partition starts at the offset this process
 * covers (the start of the log for one it never held), whatever the group committed.
 * A partition taken away is dropped from the index (products are placed by Kafka's
 * default partitioner, murmur2 of the key = product id) and forgotten.
 * @module
 */
import type { MessagePosition } from "../types.ts";
import type { PartitionOffsets } from "../pipeline/mod.ts";

/** Kafka's default partitioner (Java client and kafkajs): murmur2 of the UTF-8 key. */
export function partitionOf(key: string, partitions: number): number {
  return (murmur2(new TextEncoder().encode(key)) & 0x7fffffff) % partitions;
}

/** Java-compatible murmur2 (org.apache.kafka.common.utils.Utils#murmur2). */
export function murmur2(data: Uint8Array): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = 0x9747b28c ^ length;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = (data[i4] ?? 0) | ((data[i4 + 1] ?? 0) << 8) |
      ((data[i4 + 2] ?? 0) << 16) | ((data[i4 + 3] ?? 0) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = length & ~3;
  switch (length % 4) {
    case 3:
      h ^= (data[tail + 2] ?? 0) << 16;
    // falls through
    case 2:
      h ^= (data[tail + 1] ?? 0) << 8;
    // falls through
    case 1:
      h ^= data[tail] ?? 0;
      h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** Next offset per partition of one topic that this process's index covers. */
export class CoveredOffsets {
  readonly topic: string;
  readonly #next = new Map<number, bigint>();
  #owned = new Set<number>();

  /** Starts from the offsets of the loaded snapshot. */
  constructor(topic: string, initial: PartitionOffsets) {
    this.topic = topic;
    for (const [p, next] of Object.entries(initial[topic] ?? {})) {
      this.#next.set(Number(p), BigInt(next));
    }
  }

  /**
   * A group join: `partitions` are owned from now on. Returns the partitions this
   * index covers but no longer owns (their products must be dropped); they are
   * forgotten at once, so a later assignment replays them from the log start.
   */
  assign(partitions: readonly number[]): number[] {
    this.#owned = new Set(partitions);
    const gone = [...this.#next.keys()].filter((p) => !this.#owned.has(p));
    for (const p of gone) this.#next.delete(p);
    return gone;
  }

  /** Forgets what is covered (a rebuild): every partition starts at the log start. */
  reset(): void {
    this.#next.clear();
  }

  /** Partitions owned now. */
  owned(): number[] {
    return [...this.#owned];
  }

  /** Whether `partition` is owned now. */
  owns(partition: number): boolean {
    return this.#owned.has(partition);
  }

  /** Records positions (last applied offsets) the pipeline put in the index. */
  applied(positions: readonly MessagePosition[]): void {
    for (const p of positions) {
      // Late batches of a partition taken away must not claim it again.
      if (p.topic !== this.topic || !this.#owned.has(p.partition)) continue;
      const next = BigInt(p.offset) + 1n;
      if (next > (this.#next.get(p.partition) ?? -1n)) {
        this.#next.set(p.partition, next);
      }
    }
  }

  /** Where to start reading `partition`: what is covered, else the log start. */
  startOf(partition: number): string {
    return String(this.#next.get(partition) ?? 0n);
  }

  /** As snapshot metadata: `{ [topic]: { [partition]: next } }`. */
  offsets(): PartitionOffsets {
    const parts: Record<string, string> = {};
    for (const [p, next] of this.#next) parts[String(p)] = String(next);
    return { [this.topic]: parts };
  }
}
