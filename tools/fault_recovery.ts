/**
 * Recovery time after kill -9 with N products: index N title-only products, wait for a
 * snapshot that covers them, stream updates and kill the service with SIGKILL mid-stream,
 * restart it and time: process up (/healthz), serving the snapshot (/readyz), and caught
 * up with the topic (no lag, every product present with its latest title).
 * @module
 */
import { Kafka, logLevel } from "kafkajs";
import { spawnService } from "./_fault_child.ts";
import {
  childEnv,
  type Event,
  getJson,
  produce,
  waitCount,
  waitJoined,
  waitReady,
} from "./_fault_helpers.ts";
import { mulberry32 as rng } from "../random.ts";

/** Figures of one recovery. */
export interface RecoveryResult {
  readonly products: number;
  readonly updatesStreamed: number;
  readonly upAfterMs: number;
  readonly readyAfterMs: number;
  readonly caughtUpAfterMs: number;
  readonly snapshotLoadMs: number | null;
  readonly checked: number;
  readonly lost: number;
}

function products(n: number, round: number): Event[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `q${i}`,
    value: JSON.stringify({
      op: "upsert",
      id: `q${i}`,
      title: `plain cotton tee number ${i} round ${round}`,
      version: round,
    }),
  }));
}

/** Runs the measurement on a fresh topic and data dir. */
export async function measureRecovery(
  options: { brokers: readonly string[]; products: number },
): Promise<RecoveryResult> {
  const n = options.products;
  const random = rng(n);
  const topic = `recovery-${Date.now().toString(36)}`;
  const dataDir = await Deno.makeTempDir({ prefix: "make-recovery-" });
  const env = {
    ...childEnv(options.brokers, topic, `${topic}-g`, dataDir, random),
    SNAPSHOT_EVERY_EVENTS: "5000",
    SNAPSHOT_INTERVAL_MS: "1000",
  };
  const kafka = new Kafka({
    clientId: "recovery",
    brokers: [...options.brokers],
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer();
  await producer.connect();
  try {
    let child = await spawnService(env, { dataDir, logName: "run1.log" });
    await waitJoined(child);
    await produce(producer, topic, products(n, 1), () => 0);
    await waitCount(child, n, Date.now());
    await waitSnapshot(child.url);
    const updates = products(Math.min(n, 2000), 2);
    const streaming = produce(producer, topic, updates, random);
    await new Promise((r) => setTimeout(r, 300));
    await child.kill9();
    await streaming;
    const restarted = Date.now();
    child = await spawnService(env, { dataDir, logName: "run2.log" });
    const upAfterMs = Date.now() - restarted;
    const readyAfterMs = await waitReady(child, restarted);
    const caughtUpAfterMs = await waitCount(child, n, restarted);
    let lost = 0;
    const checked = Math.min(n, 1000);
    for (let k = 0; k < checked; k++) {
      const i = Math.floor((k * n) / checked);
      const { status, body } = await getJson<{ title?: string }>(
        `${child.url}/products/q${i}`,
      );
      const round = i < updates.length ? 2 : 1;
      if (
        status !== 200 ||
        body.title !== `plain cotton tee number ${i} round ${round}`
      ) lost++;
    }
    await child.stop();
    return {
      products: n,
      updatesStreamed: updates.length,
      upAfterMs,
      readyAfterMs,
      caughtUpAfterMs,
      snapshotLoadMs: await snapshotLoadMs(`${dataDir}/run2.log.stderr`),
      checked,
      lost,
    };
  } finally {
    await producer.disconnect();
    await Deno.remove(dataDir, { recursive: true });
  }
}

async function waitSnapshot(url: string): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < 60_000) {
    const { body } = await getJson<{ snapshot: { pendingEvents: number } }>(
      `${url}/stats`,
    );
    if (body.snapshot.pendingEvents === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("No snapshot covered every product within 60 s");
}

async function snapshotLoadMs(logPath: string): Promise<number | null> {
  const text = await Deno.readTextFile(logPath);
  for (const line of text.split("\n")) {
    if (!line.includes('"service_started"')) continue;
    return (JSON.parse(line) as { snapshotLoadMs?: number }).snapshotLoadMs ??
      null;
  }
  return null;
}
