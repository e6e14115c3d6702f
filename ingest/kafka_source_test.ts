import assert from "node:assert/strict";
import { createMemoryLogger } from "../log.ts";
import { testBrokers, uniqueTopic } from "./testing.ts";
import { delay } from "../delay.ts";
import { take } from "./_source_contract.ts";
import {
  createKafkaPublisher,
  createKafkaSource,
  ensureTopic,
  type KafkaSource,
} from "./mod.ts";

const dec = new TextDecoder();

async function produce(
  brokers: string[],
  topic: string,
  messages: { key: string; value: string }[],
): Promise<void> {
  await using publisher = await createKafkaPublisher({
    brokers,
    topic,
    retries: 10,
  });
  await publisher.send(messages);
}

function records(n: number, from = 0) {
  return Array.from({ length: n }, (_, i) => ({
    key: `p${from + i}`,
    value: JSON.stringify({ op: "upsert", id: `p${from + i}`, title: "t" }),
  }));
}

async function until(
  what: string,
  check: () => boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await delay(100);
  }
}

Deno.test("createKafkaSource() bounds its buffer and keeps its group membership while the reader is slow", async () => {
  const brokers = testBrokers();
  const topic = uniqueTopic("backpressure");
  await ensureTopic(brokers, { topic, partitions: 1, compacted: false });
  await produce(brokers, topic, records(400));
  await using source = await createKafkaSource({
    brokers,
    topic,
    groupId: uniqueTopic("bp-group"),
    log: createMemoryLogger(),
    maxBufferedMessages: 20,
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 500,
    lagIntervalMs: 500,
  });
  await until("a full buffer", () => source.status().buffered === 20);
  // Read nothing for longer than the session timeout: heartbeats must keep us in.
  let maxBuffered = 0;
  for (let i = 0; i < 35; i++) {
    maxBuffered = Math.max(maxBuffered, source.status().buffered);
    await delay(200);
  }
  const mid = source.status();
  assert.equal(maxBuffered, 20);
  assert.equal(mid.state, "connected");
  assert.equal(mid.lastError, null);
  assert.equal(mid.rebalances, 1);
  assert.equal(mid.partitions[0]?.highWatermark, "400");
  const got = await take(source, 400);
  assert.deepEqual(got.map((m) => Number(m.offset)), [...Array(400).keys()]);
  await source.commit([got[399]!]);
  const end = source.status();
  assert.equal(end.rebalances, 1, "no rebalance while the reader was slow");
  assert.equal(end.totalLag, 0);
  assert.deepEqual(end.partitions[0], {
    topic,
    partition: 0,
    highWatermark: "400",
    lowWatermark: "0",
    nextOffset: "400",
    committedOffset: "400",
    lag: 0,
  });
});

/** Reads and commits each message after `workMs`, recording keys, until disposed. */
async function consumeAll(
  source: KafkaSource,
  seen: Map<string, number>,
  workMs: number,
): Promise<void> {
  for await (const m of source) {
    await delay(workMs);
    const key = dec.decode(m.key ?? new Uint8Array());
    seen.set(key, (seen.get(key) ?? 0) + 1);
    try {
      await source.commit([m]);
    } catch {
      // A commit racing a rebalance or our own shutdown: the message is redelivered.
    }
  }
}

Deno.test("createKafkaSource() splits partitions in a group and loses nothing when a member stops", async () => {
  const brokers = testBrokers();
  const topic = uniqueTopic("scaleout");
  const groupId = uniqueTopic("scaleout-group");
  await ensureTopic(brokers, { topic, partitions: 2, compacted: false });
  await produce(brokers, topic, records(120));
  const open = () =>
    createKafkaSource({
      brokers,
      topic,
      groupId,
      log: createMemoryLogger(),
      maxBufferedMessages: 5,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
    });
  const seen = new Map<string, number>();
  await using a = await open();
  const runA = consumeAll(a, seen, 15);
  await until("a first message", () => seen.size > 0);
  const b = await open();
  const runB = consumeAll(b, seen, 15);
  await until(
    "both members assigned",
    () =>
      a.status().partitions.length === 1 && b.status().partitions.length === 1,
  );
  await until("half the products", () => seen.size >= 60);
  await b[Symbol.asyncDispose]();
  await runB;
  await until("every product", () => seen.size === 120, 40_000);
  await until(
    "a takes both partitions",
    () => a.status().partitions.length === 2,
  );
  await until(
    "all committed",
    () =>
      a.status().partitions.every((p) => p.committedOffset === p.highWatermark),
  );
  await a[Symbol.asyncDispose]();
  await runA;
  const duplicates = [...seen.values()].filter((n) => n > 1).length;
  assert.ok(duplicates < 30, `${duplicates} redelivered`);
});
