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
  /** kill -9s while updates streamed (the last restart is timed). */
  readonly kills: number;
  /** Consumer session timeout in use, ms ("default": the service's). */
  readonly sessionTimeoutMs: number | "default";
  readonly updatesStreamed: number;
  readonly upAfterMs: number;
  readonly readyAfterMs: number;
  /** From the last restart after the kills until every product is in the index, lag 0. */
  readonly caughtUpAfterMs: number;
  /** From a restart after a graceful stop (events arrived meanwhile) until caught up. */
  readonly caughtUpAfterStopMs: number;
  /** Within that: until the service started (HTTP up) and until its consumer joined. */
  readonly startedAfterStopMs: number | null;
  readonly joinedAfterStopMs: number | null;
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

/** Options of {@linkcode measureRecovery}. */
export interface RecoveryOptions {
  readonly brokers: readonly string[];
  readonly products: number;
  /** kill -9s in a row, each while updates stream. @default 1 */
  readonly kills?: number;
  /** The service's session timeout; undefined keeps its default. */
  readonly sessionTimeoutMs?: number;
}

/** Runs the measurement on a fresh topic and data dir. */
export async function measureRecovery(
  options: RecoveryOptions,
): Promise<RecoveryResult> {
  const n = options.products;
  const kills = options.kills ?? 1;
  const random = rng(n);
  const topic = `recovery-${Date.now().toString(36)}`;
  const dataDir = await Deno.makeTempDir({ prefix: "make-recovery-" });
  const env = sessionEnv({
    ...childEnv(options.brokers, topic, `${topic}-g`, dataDir, random),
    SNAPSHOT_EVERY_EVENTS: "5000",
    SNAPSHOT_INTERVAL_MS: "1000",
  }, options.sessionTimeoutMs);
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
    let restarted = Date.now();
    for (let k = 1; k <= kills; k++) {
      // The first kill lands mid-stream; later ones right after the restart is up.
      await new Promise((r) => setTimeout(r, k === 1 ? 300 : 1000));
      await child.kill9();
      restarted = Date.now();
      child = await spawnService(env, { dataDir, logName: `run${k + 1}.log` });
    }
    const upAfterMs = Date.now() - restarted;
    const readyAfterMs = await waitReady(child, restarted);
    await streaming;
    const caughtUpAfterMs = await waitCount(child, n, restarted);
    const lost = await countLost(child.url, n, updates.length);
    await child.stop();
    await produce(producer, topic, products(Math.min(n, 200), 3), () => 0);
    const stopped = Date.now();
    child = await spawnService(env, { dataDir, logName: "after-stop.log" });
    const caughtUpAfterStopMs = await waitTitle(child.url, stopped);
    await child.stop();
    return {
      products: n,
      kills,
      sessionTimeoutMs: options.sessionTimeoutMs ?? "default",
      updatesStreamed: updates.length,
      upAfterMs,
      readyAfterMs,
      caughtUpAfterMs,
      caughtUpAfterStopMs,
      startedAfterStopMs: await eventAfterMs(
        `${dataDir}/after-stop.log.stderr`,
        "service_started",
        stopped,
      ),
      joinedAfterStopMs: await eventAfterMs(
        `${dataDir}/after-stop.log.stderr`,
        "kafka_group_joined",
        stopped,
      ),
      snapshotLoadMs: await snapshotLoadMs(
        `${dataDir}/run${kills + 1}.log.stderr`,
      ),
      checked: Math.min(n, 1000),
      lost,
    };
  } finally {
    await producer.disconnect();
    await Deno.remove(dataDir, { recursive: true });
  }
}

/** `env` with the session timeout given, or without one (the service's default). */
function sessionEnv(
  env: Record<string, string>,
  sessionTimeoutMs: number | undefined,
): Record<string, string> {
  const {
    KAFKA_SESSION_TIMEOUT_MS: _s,
    KAFKA_HEARTBEAT_INTERVAL_MS: _h,
    ...rest
  } = env;
  if (sessionTimeoutMs === undefined) return rest;
  return {
    ...rest,
    KAFKA_SESSION_TIMEOUT_MS: String(sessionTimeoutMs),
    KAFKA_HEARTBEAT_INTERVAL_MS: String(Math.floor(sessionTimeoutMs / 10)),
  };
}

/** Sampled products whose title is not the latest one. */
async function countLost(
  url: string,
  n: number,
  updated: number,
): Promise<number> {
  let lost = 0;
  const checked = Math.min(n, 1000);
  for (let k = 0; k < checked; k++) {
    const i = Math.floor((k * n) / checked);
    const { status, body } = await getJson<{ title?: string }>(
      `${url}/products/q${i}`,
    );
    const round = i < updated ? 2 : 1;
    if (
      status !== 200 ||
      body.title !== `plain cotton tee number ${i} round ${round}`
    ) lost++;
  }
  return lost;
}

/** Ms since `since` until product q0 has its round-3 title (written while stopped). */
async function waitTitle(url: string, since: number): Promise<number> {
  while (Date.now() - since < 120_000) {
    const { status, body } = await getJson<{ title?: string }>(
      `${url}/products/q0`,
    ).catch(() => ({ status: 0, body: {} as { title?: string } }));
    if (status === 200 && body.title?.endsWith("round 3")) {
      return Date.now() - since;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("The update written while stopped was not indexed in 120 s");
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

/** Ms from `since` to the first log line of `event`, or null. */
async function eventAfterMs(
  logPath: string,
  event: string,
  since: number,
): Promise<number | null> {
  const text = await Deno.readTextFile(logPath);
  for (const line of text.split("\n")) {
    if (!line.includes(`"event":"${event}"`)) continue;
    return Date.parse((JSON.parse(line) as { time: string }).time) - since;
  }
  return null;
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
