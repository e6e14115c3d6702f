import assert from "node:assert/strict";
import { testBrokers, uniqueTopic } from "../tests/_kafka.ts";
import { ensureTopic } from "./mod.ts";

Deno.test("ensureTopic() creates a compacted topic once, then reports it", async () => {
  const brokers = testBrokers();
  const topic = uniqueTopic("ensure");
  const first = await ensureTopic(brokers, {
    topic,
    partitions: 3,
    compacted: true,
  });
  assert.deepEqual(first, {
    topic,
    created: true,
    partitions: 3,
    cleanupPolicy: "compact",
  });
  const again = await ensureTopic(brokers, {
    topic,
    partitions: 5,
    compacted: true,
  });
  assert.deepEqual(again, { ...first, created: false });
});

Deno.test("ensureTopic() creates a delete-policy topic for the DLQ", async () => {
  const topic = uniqueTopic("ensure-dlq");
  const info = await ensureTopic(testBrokers(), {
    topic,
    partitions: 1,
    compacted: false,
  });
  assert.equal(info.cleanupPolicy, "delete");
  assert.equal(info.partitions, 1);
});

Deno.test("ensureTopic() rejects a partition count below 1", async () => {
  await assert.rejects(
    ensureTopic(["127.0.0.1:1"], {
      topic: "x",
      partitions: 0,
      compacted: true,
    }),
    RangeError,
  );
});
