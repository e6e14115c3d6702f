/**
 * Test helpers of the ingest stage; production code never imports this file
 * (`deno task check-layers` fails if it does).
 *
 * - An in-memory event source for unit tests of other stages: a {@linkcode MemoryLog}
 *   plays the topic (partitions of messages plus committed offsets per group); sources
 *   opened on it behave like Kafka consumers: they start at the group's committed
 *   offsets and record every commit.
 * - For tests against the real broker that `deno task test` starts:
 *   {@linkcode testBrokers} and {@linkcode uniqueTopic}.
 * @module
 */
import { createMemoryLogger } from "../log.ts";
import type { MessagePosition, SourceMessage } from "../types.ts";
import type { EventSource } from "./event_source.ts";
import { routeProcessWarnings } from "./_kafka_log.ts";

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

let warningsSilenced = false;

/**
 * Bootstrap brokers from `KAFKA_BROKERS`. Also keeps kafkajs' harmless
 * `TimeoutNegativeWarning` out of the test output.
 * @throws {Error} when unset: integration tests must run via `deno task test`
 */
export function testBrokers(): string[] {
  const value = Deno.env.get("KAFKA_BROKERS");
  if (!value) {
    throw new Error(
      "KAFKA_BROKERS is not set: run via deno task test (it starts a Kafka broker)",
    );
  }
  if (!warningsSilenced) {
    warningsSilenced = true;
    routeProcessWarnings(createMemoryLogger());
  }
  return value.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
}

let counter = 0;

/** A topic (or group) name no other test uses: `prefix-<time>-<random>-<n>`. */
export function uniqueTopic(prefix: string): string {
  const random = crypto.getRandomValues(new Uint32Array(1))[0]?.toString(36);
  return `${prefix}-${Date.now().toString(36)}-${random}-${++counter}`;
}
