/**
 * Test harness: the real service (`startService`, the composition root main.ts runs)
 * on the broker `deno task test` starts, with a unique topic, group and data dir per
 * test, plus raw Kafka helpers.
 * @module
 */
import { Buffer } from "node:buffer";
import { Kafka, logLevel } from "kafkajs";
import { loadConfig } from "../config.ts";
import { createMemoryLogger } from "../log.ts";
import { type Service, startService } from "../app/mod.ts";
import { testBrokers, uniqueTopic } from "../ingest/testing.ts";

/** A running service and where its data lives. */
export interface TestService {
  readonly service: Service;
  readonly topic: string;
  readonly dlqTopic: string;
  readonly groupId: string;
  readonly dataDir: string;
  readonly brokers: string[];
  readonly log: ReturnType<typeof createMemoryLogger>;
}

/** Where a service runs: reuse one to restart a service on the same topic and data. */
export interface ServicePlace {
  readonly topic: string;
  readonly groupId: string;
  readonly dataDir: string;
}

/** A fresh place: unique topic and group, new temp data dir. */
export async function newPlace(): Promise<ServicePlace> {
  return {
    topic: uniqueTopic("products"),
    groupId: uniqueTopic("indexer"),
    dataDir: await Deno.makeTempDir({ prefix: "make-e2e-" }),
  };
}

/** Starts the service on `place`; `env` overrides configuration variables. */
export async function startTestService(
  place: ServicePlace,
  env: Record<string, string> = {},
): Promise<TestService> {
  const brokers = testBrokers();
  const dlqTopic = `${place.topic}.dlq`;
  const config = loadConfig({
    KAFKA_BROKERS: brokers.join(","),
    KAFKA_TOPIC: place.topic,
    KAFKA_DLQ_TOPIC: dlqTopic,
    KAFKA_GROUP: place.groupId,
    KAFKA_SESSION_TIMEOUT_MS: "10000",
    KAFKA_HEARTBEAT_INTERVAL_MS: "1000",
    PORT: "0",
    DATA_DIR: place.dataDir,
    ENCODE_MAX_WAIT_MS: "10",
    LOG_LEVEL: "info",
    ...env,
  });
  const log = createMemoryLogger();
  const service = await startService(config, { log });
  return { service, ...place, dlqTopic, brokers, log };
}

/** A message to produce raw (bypassing the produce tool's checks). */
export interface RawMessage {
  readonly key: string | null;
  readonly value: string | Uint8Array | null;
}

function client(brokers: string[]): Kafka {
  return new Kafka({
    clientId: "e2e-test",
    brokers,
    logLevel: logLevel.NOTHING,
  });
}

/** Produces messages in order (acks from all replicas). */
export async function produceRaw(
  brokers: string[],
  topic: string,
  messages: RawMessage[],
): Promise<void> {
  const producer = client(brokers).producer();
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 500) {
      await producer.send({
        topic,
        acks: -1,
        messages: messages.slice(i, i + 500).map((m) => ({
          key: m.key,
          value: typeof m.value === "string"
            ? m.value
            : m.value === null
            ? null
            : Buffer.from(m.value),
        })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Produces JSON events keyed by their id. */
export function produceEvents(
  brokers: string[],
  topic: string,
  events: Array<Record<string, unknown>>,
) {
  return produceRaw(
    brokers,
    topic,
    events.map((e) => ({ key: String(e.id), value: JSON.stringify(e) })),
  );
}

/** A dead-lettered message as read back. */
export interface DlqMessage {
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Record<string, string>;
}

/** Reads every message of `topic` until `count` have arrived or `timeoutMs` passes. */
export async function readTopic(
  brokers: string[],
  topic: string,
  count: number,
  timeoutMs = 20_000,
): Promise<DlqMessage[]> {
  const consumer = client(brokers).consumer({
    groupId: uniqueTopic("reader"),
    maxWaitTimeInMs: 200,
  });
  const out: DlqMessage[] = [];
  const enough = Promise.withResolvers<void>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) {
          headers[k] = String(v);
        }
        out.push({
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          headers,
        });
        if (out.length >= count) enough.resolve();
        return Promise.resolve();
      },
    });
    const timer = setTimeout(() => enough.resolve(), timeoutMs);
    await enough.promise;
    clearTimeout(timer);
    return out;
  } finally {
    await consumer.disconnect();
  }
}

/** Polls `check` every 50 ms until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(
  check: () => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<number> {
  const started = performance.now();
  while (!check()) {
    if (performance.now() - started > timeoutMs) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return performance.now() - started;
}

/** GET `path` on the service and parse JSON. */
export async function getJson(
  service: Service,
  path: string,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${service.url}${path}`);
  return { status: res.status, body: await res.json() };
}

/** Searches in a loop until stopped; counts failures and empty answers. */
export function searchLoop(url: string, words: readonly string[]) {
  const tally = { ok: 0, failed: 0, empty: 0, errors: [] as string[] };
  let running = true;
  const loop = async (seed: number) => {
    let i = seed;
    while (running) {
      const q = `${words[i % words.length]} ${words[(i * 7) % words.length]} ${
        i % 97
      }`;
      i++;
      try {
        const res = await fetch(`${url}/search?q=${encodeURIComponent(q)}&k=5`);
        const body = await res.json();
        if (res.status !== 200) {
          tally.failed++;
          tally.errors.push(`${res.status} ${JSON.stringify(body)}`);
        } else if (body.hits.length === 0) tally.empty++;
        else tally.ok++;
      } catch (err) {
        tally.failed++;
        tally.errors.push(String(err));
      }
    }
  };
  const loops = [loop(0), loop(1000)];
  return {
    tally,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** `n` upsert events: ids `${prefix}${i}`, titles `${title} ${prefix} ${i}`. */
export function upserts(prefix: string, n: number, title: string) {
  return Array.from({ length: n }, (_, i) => ({
    op: "upsert",
    id: `${prefix}${i}`,
    title: `${title} ${prefix} ${i}`,
  }));
}
