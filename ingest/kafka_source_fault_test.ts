import assert from "node:assert/strict";
import { createMemoryLogger } from "../log.ts";
import { delay } from "../delay.ts";
import { freePort } from "../broker/_free_port.ts";
import { type EmbeddedBroker, startEmbeddedBroker } from "../broker/mod.ts";
import { take } from "./_source_contract.ts";
import {
  createKafkaPublisher,
  createKafkaSource,
  ensureTopic,
  routeProcessWarnings,
} from "./mod.ts";

// kafkajs' harmless TimeoutNegativeWarning stays out of the test output.
routeProcessWarnings(createMemoryLogger());

const dec = new TextDecoder();

async function produce(
  brokers: string[],
  topic: string,
  from: number,
  n: number,
) {
  await using publisher = await createKafkaPublisher({
    brokers,
    topic,
    retries: 10,
  });
  const messages = Array.from({ length: n }, (_, i) => ({
    key: `p${from + i}`,
    value: `{"op":"upsert","id":"p${from + i}","title":"t"}`,
  }));
  await publisher.send(messages);
}

async function until(what: string, check: () => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await delay(100);
  }
}

Deno.test("createKafkaSource() reports the broker's loss and resumes by itself when it returns", async () => {
  // Its own broker: this test stops it, which must not disturb the shared one.
  const dataDir = await Deno.makeTempDir({ prefix: "kafka-fault-" });
  const log = createMemoryLogger();
  const ports = { port: freePort(), controllerPort: freePort() };
  let broker: EmbeddedBroker | undefined = await startEmbeddedBroker({
    dataDir,
    log,
    ...ports,
  });
  try {
    const brokers = broker.brokers;
    const topic = "fault";
    await ensureTopic(brokers, { topic, partitions: 1, compacted: true });
    await produce(brokers, topic, 0, 10);
    await using source = await createKafkaSource({
      brokers,
      topic,
      groupId: "fault-group",
      log,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
      lagIntervalMs: 300,
      staleAfterMs: 2000,
    });
    const first = await take(source, 10);
    await source.commit([first[9]!]);
    assert.equal(source.status().state, "connected");

    await broker[Symbol.asyncDispose]();
    broker = undefined;
    await until("disconnected", () => source.status().state === "disconnected");
    assert.ok(source.status().lastError);

    broker = await startEmbeddedBroker({ dataDir, log, ...ports });
    await produce(brokers, topic, 10, 10);
    const second = await take(source, 10, 90_000);
    assert.deepEqual(
      second.map((m) => dec.decode(m.key ?? new Uint8Array())),
      Array.from({ length: 10 }, (_, i) => `p${10 + i}`),
    );
    await source.commit([second[9]!]);
    await until("connected", () => source.status().state === "connected");
    assert.equal(source.status().partitions[0]?.committedOffset, "20");
  } finally {
    await broker?.[Symbol.asyncDispose]();
    await Deno.remove(dataDir, { recursive: true });
  }
});
