import assert from "node:assert/strict";
import { SourceError } from "../errors.ts";
import { testBrokers, uniqueTopic } from "./testing.ts";
import { ensureTopic } from "./mod.ts";
import { type DescribeAdmin, describeWhenKnown } from "./ensure_topic.ts";
import kafkajs from "kafkajs";

// kafkajs exports its error classes by spreading; only the default import sees them.
const { KafkaJSProtocolError } = kafkajs;

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

Deno.test("ensureTopic() of many new topics at once returns each one described and led", async () => {
  // Concurrent creates on one broker widen the moment a new topic is committed but not
  // yet in the broker's metadata cache, when kafkajs' waitForLeaders used to fail them.
  const brokers = testBrokers();
  const topics = Array.from({ length: 8 }, () => uniqueTopic("ensure-many"));
  const infos = await Promise.all(
    topics.map((topic) =>
      ensureTopic(brokers, { topic, partitions: 3, compacted: false })
    ),
  );
  assert.deepEqual(
    infos,
    topics.map((topic) => ({
      topic,
      created: true,
      partitions: 3,
      cleanupPolicy: "delete",
    })),
  );
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

Deno.test("describeWhenKnown() waits out a broker that does not know a new topic or its leaders yet", async () => {
  const unknown = () =>
    new KafkaJSProtocolError(
      {
        message: "This server does not host this topic-partition",
        type: "UNKNOWN_TOPIC_OR_PARTITION",
        code: 3,
      } as unknown as Error,
    );
  let calls = 0;
  const admin: DescribeAdmin = {
    fetchTopicMetadata: () => {
      calls++;
      return calls <= 2 ? Promise.reject(unknown()) : Promise.resolve(
        { topics: [{ name: "t", partitions: [{ leader: 1 }] }] } as never,
      );
    },
    describeConfigs: () =>
      Promise.resolve({
        resources: [{
          configEntries: [{
            configName: "cleanup.policy",
            configValue: "delete",
          }],
        }],
      } as never),
  };
  const info = await describeWhenKnown(admin, "t", true, { pauseMs: 1 });
  assert.equal(calls, 3);
  assert.deepEqual(info, {
    topic: "t",
    created: true,
    partitions: 1,
    cleanupPolicy: "delete",
  });
  const never: DescribeAdmin = {
    ...admin,
    fetchTopicMetadata: () => Promise.reject(unknown()),
  };
  await assert.rejects(
    describeWhenKnown(never, "t", true, { attempts: 3, pauseMs: 1 }),
    /does not host/,
  );
  let leaderless = 0;
  const electing: DescribeAdmin = {
    ...admin,
    fetchTopicMetadata: () => {
      leaderless++;
      const leader = leaderless <= 2 ? -1 : 1;
      return Promise.resolve({
        topics: [{ name: "t", partitions: [{ leader: 1 }, { leader }] }],
      } as never);
    },
  };
  const led = await describeWhenKnown(electing, "t", true, { pauseMs: 1 });
  assert.equal(leaderless, 3);
  assert.equal(led.partitions, 2);
  const neverLed: DescribeAdmin = {
    ...admin,
    fetchTopicMetadata: () =>
      Promise.resolve({
        topics: [{ name: "t", partitions: [{ leader: -1 }] }],
      } as never),
  };
  await assert.rejects(
    describeWhenKnown(neverLed, "t", true, { attempts: 3, pauseMs: 1 }),
    (err: unknown) =>
      err instanceof SourceError && err.retryable &&
      err.message ===
        'Topic "t" still has partitions without a leader after 3 attempts',
  );
  const other: DescribeAdmin = {
    ...admin,
    fetchTopicMetadata: () => Promise.reject(new Error("boom")),
  };
  await assert.rejects(
    describeWhenKnown(other, "t", true, { pauseMs: 1 }),
    /boom/,
  );
});
