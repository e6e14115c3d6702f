import { createMemoryLogger } from "../log.ts";
import { runSourceContract } from "./_source_contract.ts";
import { createKafkaPublisher, createKafkaSource, ensureTopic } from "./mod.ts";
import { MemoryLog, testBrokers, uniqueTopic } from "./testing.ts";

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
        await using publisher = await createKafkaPublisher({ brokers, topic });
        await publisher.send(records);
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
