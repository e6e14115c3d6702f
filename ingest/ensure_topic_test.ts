import assert from "node:assert/strict";
import { testBrokers, uniqueTopic } from "../tests/_kafka.ts";
import { ensureTopic } from "./mod.ts";
import {
  type CreateAdmin,
  createOrDescribe,
  type DescribeAdmin,
  describeWhenKnown,
} from "./ensure_topic.ts";
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

Deno.test("describeWhenKnown() waits out a broker that does not know a new topic yet", async () => {
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
        { topics: [{ name: "t", partitions: [{}] }] } as never,
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
  const other: DescribeAdmin = {
    ...admin,
    fetchTopicMetadata: () => Promise.reject(new Error("boom")),
  };
  await assert.rejects(
    describeWhenKnown(other, "t", true, { pauseMs: 1 }),
    /boom/,
  );
});

Deno.test("createOrDescribe() takes a leader wait that does not know the new topic yet as created", async () => {
  const created: string[] = [];
  const admin: CreateAdmin = {
    listTopics: () => Promise.resolve([]),
    createTopics: ({ topics }) => {
      created.push(...topics.map((t) => t.topic));
      // kafkajs' waitForLeaders metadata read, before the broker knows the topic.
      return Promise.reject(
        new KafkaJSProtocolError(
          {
            message: "This server does not host this topic-partition",
            type: "UNKNOWN_TOPIC_OR_PARTITION",
            code: 3,
          } as unknown as Error,
        ),
      );
    },
    fetchTopicMetadata: () =>
      Promise.resolve(
        { topics: [{ name: "t", partitions: [{}, {}] }] } as never,
      ),
    describeConfigs: () =>
      Promise.resolve({
        resources: [{
          configEntries: [{
            configName: "cleanup.policy",
            configValue: "compact",
          }],
        }],
      } as never),
  };
  const info = await createOrDescribe(admin, {
    topic: "t",
    partitions: 2,
    compacted: true,
  });
  assert.deepEqual(created, ["t"]);
  assert.deepEqual(info, {
    topic: "t",
    created: true,
    partitions: 2,
    cleanupPolicy: "compact",
  });
  const refused: CreateAdmin = {
    ...admin,
    createTopics: () => Promise.reject(new Error("not authorised")),
  };
  await assert.rejects(
    createOrDescribe(refused, { topic: "t", partitions: 2, compacted: true }),
    /not authorised/,
  );
});
