import assert from "node:assert/strict";
import { createMemoryLogger } from "../log.ts";
import { testBrokers, uniqueTopic } from "./testing.ts";
import type { SourceMessage } from "../types.ts";
import { take } from "./_source_contract.ts";
import { createKafkaDeadLetterSink, createKafkaSource } from "./mod.ts";

const enc = new TextEncoder();

Deno.test("createKafkaDeadLetterSink() sends original bytes with dlq headers", async () => {
  const brokers = testBrokers();
  const topic = uniqueTopic("dlq");
  const log = createMemoryLogger();
  const bad: SourceMessage = {
    topic: "products",
    partition: 1,
    offset: "42",
    key: enc.encode("p7"),
    value: new Uint8Array([0x7b, 0xff, 0x00, 0x7d]),
    headers: { trace: "abc" },
    timestampMs: 1_700_000_000_000,
  };
  {
    await using sink = await createKafkaDeadLetterSink({ brokers, topic, log });
    await sink.send(bad, "invalid_utf8", "value is not valid UTF-8");
    await sink.send(
      { ...bad, key: null, value: null, offset: "43" },
      "missing_key",
      "x".repeat(5000),
    );
  }
  await using source = await createKafkaSource({
    brokers,
    topic,
    groupId: uniqueTopic("dlq-reader"),
    log,
  });
  const [first, second] = await take(source, 2);
  assert.deepEqual(first?.key, enc.encode("p7"));
  assert.deepEqual(first?.value, bad.value);
  assert.deepEqual(first?.headers, {
    trace: "abc",
    "dlq-reason": "invalid_utf8",
    "dlq-detail": "value is not valid UTF-8",
    "dlq-source-topic": "products",
    "dlq-source-partition": "1",
    "dlq-source-offset": "42",
    "dlq-source-timestamp": "1700000000000",
  });
  assert.equal(second?.key, null);
  assert.equal(second?.value, null);
  assert.equal(second?.headers["dlq-reason"], "missing_key");
  assert.equal(second?.headers["dlq-detail"]?.length, 1000);
});
