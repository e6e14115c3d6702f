/**
 * Issue 5, broker faults: the service's own broker is stopped while events stream and
 * started again later. Meanwhile /readyz stays 200 (the index keeps serving searches)
 * and /stats reports the consumer as disconnected with the error; afterwards ingestion
 * resumes by itself and every product is there, none twice.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadConfig } from "../config.ts";
import { type EmbeddedBroker, startEmbeddedBroker } from "../broker/mod.ts";
import { createMemoryLogger } from "../log.ts";
import { startService } from "../app/mod.ts";
import { produceEvents, waitFor } from "./_service.ts";
import { testBrokers } from "../ingest/testing.ts";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function products(from: number, to: number) {
  return Array.from({ length: to - from }, (_, i) => ({
    op: "upsert",
    id: `b${from + i}`,
    title: `Leather ankle boot ${from + i}`,
  }));
}

interface Stats {
  readonly indexed: number;
  readonly consumer: {
    readonly state: string;
    readonly lastError: string | null;
  };
}

async function get(url: string): Promise<{ status: number; body: Stats }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() as Stats };
}

Deno.test("broker stopped and restarted mid-stream: ingestion resumes, nothing lost, /stats tells the truth", async () => {
  testBrokers(); // keeps kafkajs warnings out of the output like the other e2e tests
  const dataDir = await Deno.makeTempDir({ prefix: "make-broker-fault-" });
  const log = createMemoryLogger();
  const ports = { port: freePort(), controllerPort: freePort() };
  const brokerDir = join(dataDir, "kafka");
  let broker: EmbeddedBroker | undefined = await startEmbeddedBroker({
    dataDir: brokerDir,
    log,
    ...ports,
  });
  const config = loadConfig({
    KAFKA_BROKERS: broker.brokers.join(","),
    KAFKA_TOPIC: "products",
    KAFKA_SESSION_TIMEOUT_MS: "10000",
    KAFKA_HEARTBEAT_INTERVAL_MS: "1000",
    PORT: "0",
    DATA_DIR: join(dataDir, "service"),
    SNAPSHOT_INTERVAL_MS: "500",
    ENCODE_MAX_WAIT_MS: "10",
  });
  const service = await startService(config, { log });
  try {
    await produceEvents(broker.brokers, "products", products(0, 200));
    await waitFor(() => service.holder.current?.size === 200, "200 products");
    // Ready once the rebuild from the topic has caught up; it stays ready after.
    const readySince = Date.now();
    while ((await get(`${service.url}/readyz`)).status !== 200) {
      assert.ok(Date.now() - readySince < 30_000, "never ready");
      await new Promise((r) => setTimeout(r, 100));
    }
    await produceEvents(broker.brokers, "products", products(200, 300));
    await waitFor(
      () => (service.holder.current?.size ?? 0) >= 210,
      "the second batch to stream in",
    );
    await broker[Symbol.asyncDispose]();
    broker = undefined;
    let stats = await get(`${service.url}/stats`);
    const during = Date.now();
    while (stats.body.consumer.state !== "disconnected") {
      assert.ok(Date.now() - during < 40_000, "the outage is never reported");
      await new Promise((r) => setTimeout(r, 200));
      stats = await get(`${service.url}/stats`);
    }
    assert.ok(stats.body.consumer.lastError, "the error is shown");
    assert.equal((await get(`${service.url}/readyz`)).status, 200);
    const search = await get(`${service.url}/search?q=leather+boot`);
    assert.equal(search.status, 200, "searches are served during the outage");

    broker = await startEmbeddedBroker({ dataDir: brokerDir, log, ...ports });
    await produceEvents(broker.brokers, "products", products(300, 400));
    await waitFor(
      () => service.holder.current?.size === 400,
      "all 400 products after the broker returned",
      120_000,
    );
    const ids = [...service.holder.current!.ids()].sort();
    assert.deepEqual(ids, products(0, 400).map((p) => p.id).sort());
    stats = await get(`${service.url}/stats`);
    const back = Date.now();
    while (stats.body.consumer.state !== "connected") {
      assert.ok(Date.now() - back < 30_000, "the recovery is never reported");
      await new Promise((r) => setTimeout(r, 200));
      stats = await get(`${service.url}/stats`);
    }
    assert.equal(stats.body.indexed, 400);
  } finally {
    await service.stop();
    await broker?.[Symbol.asyncDispose]();
    await Deno.remove(dataDir, { recursive: true });
  }
});
