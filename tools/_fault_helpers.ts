/**
 * Helpers of the fault tools: the child's environment, a paced producer, and HTTP
 * polling of the child's /readyz and /stats.
 * @module
 */
import { Buffer } from "node:buffer";
import type { Kafka } from "kafkajs";
import type { ServiceChild } from "./_fault_child.ts";

/** A keyed message; null value = tombstone. */
export type Event = { key: string; value: string | null };

/** Environment of a service child on `topic`, with a random checkpoint cadence. */
export function childEnv(
  brokers: readonly string[],
  topic: string,
  group: string,
  dataDir: string,
  random: () => number,
): Record<string, string> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return {
    KAFKA_BROKERS: brokers.join(","),
    KAFKA_TOPIC: topic,
    KAFKA_DLQ_TOPIC: `${topic}.dlq`,
    KAFKA_GROUP: group,
    KAFKA_SESSION_TIMEOUT_MS: "6000",
    KAFKA_HEARTBEAT_INTERVAL_MS: "1000",
    DATA_DIR: dataDir,
    PORT: String(port),
    // Random checkpoint cadence, so kills land before, during and after snapshots.
    SNAPSHOT_EVERY_EVENTS: String(50 + Math.floor(random() * 300)),
    SNAPSHOT_INTERVAL_MS: String(200 + Math.floor(random() * 800)),
    ENCODE_MAX_WAIT_MS: "10",
    LOG_LEVEL: "info",
  };
}

/** Sends events in small chunks with short random pauses, like a live stream. */
export async function produce(
  producer: ReturnType<Kafka["producer"]>,
  topic: string,
  events: Event[],
  random: () => number,
): Promise<void> {
  for (let i = 0; i < events.length; i += 10) {
    await producer.send({
      topic,
      acks: -1,
      messages: events.slice(i, i + 10).map((e) => ({
        key: e.key,
        value: e.value === null ? null : Buffer.from(e.value),
      })),
    });
    await new Promise((r) => setTimeout(r, 5 + Math.floor(random() * 20)));
  }
}

interface StatsBody {
  readonly indexed: number;
  readonly consumer: {
    readonly state: string;
    readonly lag: number;
    readonly partitions: readonly unknown[];
  };
}

export async function getJson<T>(
  url: string,
): Promise<{ status: number; body: T }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() as T };
}

export async function waitReady(
  child: ServiceChild,
  since: number,
): Promise<number> {
  while (
    (await fetch(`${child.url}/readyz`).then(async (r) => {
      await r.body?.cancel();
      return r.status;
    })) !== 200
  ) {
    if (Date.now() - since > 120_000) throw new Error("Not ready after 120 s");
    await new Promise((r) => setTimeout(r, 25));
  }
  return Date.now() - since;
}

/** Waits until the consumer has joined its group and owns partitions. */
export async function waitJoined(child: ServiceChild): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < 60_000) {
    const { body } = await getJson<StatsBody>(`${child.url}/stats`);
    if (body.consumer.partitions.length > 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("The consumer did not join its group within 60 s");
}

/** Waits until the consumer has no lag and the index holds `count` products. */
export async function waitCount(
  child: ServiceChild,
  count: number,
  since: number,
) {
  while (true) {
    const { body } = await getJson<StatsBody>(`${child.url}/stats`);
    const consumer = body.consumer;
    if (
      body.indexed === count && consumer.state === "connected" &&
      consumer.partitions.length > 0 && consumer.lag === 0
    ) return Date.now() - since;
    if (Date.now() - since > 120_000) {
      throw new Error(`Not caught up after 120 s: ${JSON.stringify(body)}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
