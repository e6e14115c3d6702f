import { Partitioners } from "kafkajs";
import { createMemoryLogger } from "../log.ts";
import { testBrokers, uniqueTopic } from "../tests/_kafka.ts";
import { createKafkaClient } from "./_client.ts";
import { runSourceContract } from "./_source_contract.ts";
import { createKafkaSource, ensureTopic } from "./mod.ts";
import { MemoryLog } from "./testing.ts";

Deno.test("EventSource contract: in-memory source", async (t) => {
  await runSourceContract(t, () => {
    const log = new MemoryLog();
    return Promise.resolve({
      produce: (records) => {
        log.append(...records);
        return Promise.resolve();
      },
      open: () => Promise.resolve(log.open("g")),
    });
  });
});

Deno.test("EventSource contract: Kafka source", async (t) => {
  const brokers = testBrokers();
  await runSourceContract(t, async () => {
    const topic = uniqueTopic("contract");
    const groupId = uniqueTopic("contract-group");
    await ensureTopic(brokers, { topic, partitions: 1, compacted: false });
    return {
      produce: async (records) => {
        const producer = createKafkaClient({ brokers, clientId: "contract" })
          .producer({ createPartitioner: Partitioners.DefaultPartitioner });
        await producer.connect();
        try {
          await producer.send({ topic, messages: records, acks: -1 });
        } finally {
          await producer.disconnect();
        }
      },
      open: () =>
        createKafkaSource({
          brokers,
          topic,
          groupId,
          log: createMemoryLogger(),
          sessionTimeoutMs: 6000,
          heartbeatIntervalMs: 1000,
        }),
    };
  });
});
