/**
 * Reads a topic once from its earliest offsets up to the end it had when the read
 * began (the high watermark of every partition), for tools that need the catalogue the
 * log holds (`deno task adapt`). A private consumer group that never commits: nothing
 * the service's group does is touched.
 * @module
 */
import type { Logger } from "../log.ts";
import type { SourceMessage } from "../types.ts";
import { createKafkaClient } from "./_client.ts";
import { toSourceMessage } from "./_convert.ts";

/** Options of {@linkcode readTopicToEnd}. */
export interface ReadTopicOptions {
  /** Bootstrap brokers, `host:port`. */
  readonly brokers: readonly string[];
  /** Topic to read. */
  readonly topic: string;
  /** Client id reported to the brokers. @default "make-read-topic" */
  readonly clientId?: string;
  /** Aborts the read; it then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** kafkajs logs. */
  readonly log?: Logger;
}

/**
 * Calls `onMessage` for every message of `topic` below the end it had at the start, in
 * log order per partition; resolves with the number of messages read.
 * @throws kafkajs's errors when the brokers or the topic cannot be reached
 */
export async function readTopicToEnd(
  options: ReadTopicOptions,
  onMessage: (m: SourceMessage) => void,
): Promise<number> {
  const kafka = createKafkaClient({
    brokers: options.brokers,
    clientId: options.clientId ?? "make-read-topic",
    log: options.log,
  });
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    const offsets = await admin.fetchTopicOffsets(options.topic);
    ends = new Map(
      offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((
        o,
      ) => [o.partition, BigInt(o.high)]),
    );
  } finally {
    await admin.disconnect();
  }
  if (ends.size === 0) return 0;
  const consumer = kafka.consumer({
    groupId: `make-read-topic-${crypto.randomUUID()}`,
  });
  let count = 0;
  const left = new Set(ends.keys());
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    const done = Promise.withResolvers<void>();
    const onAbort = () => done.reject(options.signal?.reason);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const end = ends.get(batch.partition);
        if (end === undefined) return;
        for (const m of batch.messages) {
          if (BigInt(m.offset) >= end) break;
          onMessage(toSourceMessage(batch.topic, batch.partition, m));
          count++;
          if (BigInt(m.offset) + 1n >= end) left.delete(batch.partition);
        }
        if (left.size === 0) done.resolve();
        await Promise.resolve();
      },
    });
    try {
      await done.promise;
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
    }
  } finally {
    await consumer.disconnect();
  }
  return count;
}
