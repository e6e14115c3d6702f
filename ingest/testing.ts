/**
 * In-memory event source for unit tests of other stages. A {@linkcode MemoryLog} plays
 * the topic (partitions of messages plus committed offsets per group); sources opened
 * on it behave like Kafka consumers: they start at the group's committed offsets and
 * record every commit. Production code never imports this file.
 * @module
 */
import type { MessagePosition, SourceMessage } from "../types.ts";
import type { EventSource } from "./event_source.ts";

const enc = new TextEncoder();

/** A message to append: key and value as text, JSON (objects) or bytes; null = none. */
export interface MemoryRecord {
  readonly key: string | Uint8Array | null;
  readonly value: string | Uint8Array | object | null;
  readonly partition?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/** An in-memory topic with committed offsets per consumer group. */
export class MemoryLog {
  readonly topic: string;
  readonly partitions: SourceMessage[][];
  /** Committed offsets (next to read) by `group/partition`. */
  readonly committed = new Map<string, bigint>();
  #wakers = new Set<() => void>();

  constructor(options: { topic?: string; partitions?: number } = {}) {
    this.topic = options.topic ?? "products";
    this.partitions = Array.from({ length: options.partitions ?? 1 }, () => []);
  }

  /** Appends records (partition 0 unless given) and returns their positions. */
  append(...records: MemoryRecord[]): MessagePosition[] {
    const positions = records.map((r) => {
      const partition = r.partition ?? 0;
      const log = this.partitions[partition];
      if (!log) {
        throw new RangeError(`Cannot append: no partition ${partition}`);
      }
      const message: SourceMessage = {
        topic: this.topic,
        partition,
        offset: String(log.length),
        key: toBytes(r.key),
        value: toBytes(r.value),
        headers: r.headers ?? {},
        timestampMs: Date.now(),
      };
      log.push(message);
      return { topic: this.topic, partition, offset: message.offset };
    });
    for (const wake of this.#wakers) wake();
    return positions;
  }

  /** Opens a consumer of `group` starting at its committed offsets. */
  open(group = "product-indexer"): MemorySource {
    return new MemorySource(this, group);
  }

  /** @internal waits for the next append. */
  waitForAppend(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.#wakers.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.#wakers.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }
}

/** An {@linkcode EventSource} over a {@linkcode MemoryLog}; records commits. */
export class MemorySource implements EventSource {
  /** Every `commit()` call's positions, in order. */
  readonly commits: MessagePosition[][] = [];
  readonly group: string;
  #log: MemoryLog;
  #next: number[];
  #closed = new AbortController();

  constructor(log: MemoryLog, group: string) {
    this.#log = log;
    this.group = group;
    this.#next = log.partitions.map((_, p) =>
      Number(log.committed.get(`${group}/${p}`) ?? 0n)
    );
  }

  /** Yields every message (lowest partition with one first); waits for appends until disposed. */
  async *[Symbol.asyncIterator](): AsyncIterator<SourceMessage> {
    while (!this.#closed.signal.aborted) {
      const message = this.#takeNext();
      if (message) yield message;
      else await this.#log.waitForAppend(this.#closed.signal);
    }
  }

  commit(positions: readonly MessagePosition[]): Promise<void> {
    this.commits.push([...positions]);
    for (const p of positions) {
      if (p.topic !== this.#log.topic) continue;
      const key = `${this.group}/${p.partition}`;
      const next = BigInt(p.offset) + 1n;
      if (next > (this.#log.committed.get(key) ?? -1n)) {
        this.#log.committed.set(key, next);
      }
    }
    return Promise.resolve();
  }

  /** The committed offset (next to read) of `partition`, or undefined. */
  committedOffset(partition = 0): string | undefined {
    return this.#log.committed.get(`${this.group}/${partition}`)?.toString();
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.#closed.abort();
    return Promise.resolve();
  }

  #takeNext(): SourceMessage | undefined {
    for (let p = 0; p < this.#next.length; p++) {
      const offset = this.#next[p] ?? 0;
      const message = this.#log.partitions[p]?.[offset];
      if (message) {
        this.#next[p] = offset + 1;
        return message;
      }
    }
    return undefined;
  }
}

function toBytes(v: string | Uint8Array | object | null): Uint8Array | null {
  if (v === null) return null;
  if (v instanceof Uint8Array) return v;
  return enc.encode(typeof v === "string" ? v : JSON.stringify(v));
}
