/**
 * One kill -9 trial: the service runs as a child process while events stream; it is
 * killed with SIGKILL at a random moment; optionally its newest snapshot is corrupted or
 * every snapshot is wiped, or the topic is deleted and created again; it restarts, and
 * the trial checks that the snapshot it will load covers every committed offset, and that
 * after catching up the index holds exactly the live products of the log with their
 * latest titles.
 * @module
 */
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { mulberry32 as rng } from "../random.ts";
import { listSnapshots, verifySnapshot } from "../index/mod.ts";
import { type ServiceChild, spawnService } from "./_fault_child.ts";
import {
  childEnv,
  type Event,
  getJson,
  produce,
  waitCount,
  waitJoined,
  waitReady,
} from "./_fault_helpers.ts";

/**
 * What happens between the kill and the restart: nothing, the newest snapshot corrupted,
 * every snapshot wiped, or the topic deleted and created again (the rest of the stream
 * then goes to the new, empty log; the data dir's snapshot belongs to the old one). Or,
 * before the kill: the snapshot folder becomes unwritable halfway to the kill (snapshot
 * writes fail, so nothing may be committed), and is writable again after it.
 */
export type FaultMode =
  | "kill"
  | "corrupt-newest"
  | "wipe-snapshots"
  | "recreate-topic"
  | "snapshots-unwritable";

/** Options of {@linkcode runKillTrial}. */
export interface KillTrialOptions {
  readonly brokers: readonly string[];
  readonly mode: FaultMode;
  /** Seed of the event stream and the kill moment. */
  readonly seed: number;
  /** Events streamed (upserts, updates, deletes over a pool of ids). @default 1500 */
  readonly events?: number;
  /** Distinct product ids. @default 400 */
  readonly ids?: number;
  /** Keep the data dir (logs of both runs) instead of removing it. @default false */
  readonly keepDataDir?: boolean;
}

/** What one trial saw. */
export interface KillTrialResult {
  readonly mode: FaultMode;
  readonly seed: number;
  readonly killedAfterMs: number;
  readonly committedAtKill: Record<string, string>;
  readonly snapshotOffsets: Record<string, string> | null;
  readonly liveExpected: number;
  /** Live products missing or stale after recovery (must be 0). */
  readonly lost: number;
  /** Products present that should not be (must be 0). */
  readonly extra: number;
  readonly readyAfterMs: number;
  readonly caughtUpAfterMs: number;
  readonly problems: readonly string[];
}

/** Upserts, updates and deletes; `expected` is the final title per live id. */
export function eventStream(seed: number, count: number, ids: number) {
  const random = rng(seed);
  const version = new Map<string, number>();
  const expected = new Map<string, string>();
  const events: Event[] = [];
  const words = [
    "red",
    "wool",
    "dress",
    "shoe",
    "lamp",
    "mug",
    "desk",
    "watch",
  ];
  for (let i = 0; i < count; i++) {
    const id = `p${Math.floor(random() * ids)}`;
    const v = (version.get(id) ?? 0) + 1;
    version.set(id, v);
    if (random() < 0.1 && expected.has(id)) {
      expected.delete(id);
      events.push({
        key: id,
        value: random() < 0.5
          ? null
          : JSON.stringify({ op: "delete", id, version: v }),
      });
      continue;
    }
    const title = `${words[i % words.length]} ${
      words[v % words.length]
    } ${id} v${v}`;
    expected.set(id, title);
    events.push({
      key: id,
      value: JSON.stringify({ op: "upsert", id, title, version: v }),
    });
  }
  return { events, expected };
}

/** Runs one trial; throws only on harness failures, reports problems in the result. */
export async function runKillTrial(
  options: KillTrialOptions,
): Promise<KillTrialResult> {
  const random = rng(options.seed ^ 0x5bd1e995);
  const tag = `${Date.now().toString(36)}-${options.seed}`;
  const topic = `faults-${tag}`;
  const dataDir = await Deno.makeTempDir({ prefix: "make-faults-" });
  const kafka = new Kafka({
    clientId: "faults",
    brokers: [...options.brokers],
    logLevel: logLevel.NOTHING,
  });
  const stream = eventStream(
    options.seed,
    options.events ?? 1500,
    options.ids ?? 400,
  );
  const { events } = stream;
  let expected = stream.expected;
  const env = childEnv(options.brokers, topic, `${topic}-g`, dataDir, random);
  const producer = kafka.producer();
  await producer.connect();
  try {
    let child = await spawnService(env, { dataDir, logName: "run1.log" });
    await waitJoined(child);
    const killAt = Math.floor(events.length * (0.1 + 0.8 * random()));
    const started = Date.now();
    const snapshots = join(dataDir, "snapshots");
    if (options.mode === "snapshots-unwritable") {
      const half = Math.floor(killAt / 2);
      await produce(producer, topic, events.slice(0, half), random);
      // A commit first, so the trial shows that none follows while writes fail.
      await waitCommitted(kafka, `${topic}-g`, topic);
      await unwritable(snapshots);
      await produce(producer, topic, events.slice(half, killAt), random);
      // Long enough for checkpoints to fail (the child's interval is at most 1 s).
      await new Promise((r) => setTimeout(r, 1500));
    } else await produce(producer, topic, events.slice(0, killAt), random);
    await child.kill9();
    const killedAfterMs = Date.now() - started;
    const committedAtKill = await committed(kafka, `${topic}-g`, topic);
    await damage(snapshots, options.mode);
    if (options.mode === "recreate-topic") {
      await recreateTopic(kafka, topic);
      expected = expectedOf(events.slice(killAt));
    }
    const snapshotOffsets = await newestValidOffsets(
      join(dataDir, "snapshots"),
      topic,
    );
    await produce(producer, topic, events.slice(killAt), random);
    const restarted = Date.now();
    child = await spawnService(env, { dataDir, logName: "run2.log" });
    let result: KillTrialResult;
    try {
      const readyAfterMs = await waitReady(child, restarted);
      const caughtUpAfterMs = await waitCount(child, expected.size, restarted);
      const check = await compare(child, expected, options.ids ?? 400);
      result = {
        mode: options.mode,
        seed: options.seed,
        killedAfterMs,
        committedAtKill,
        snapshotOffsets,
        liveExpected: expected.size,
        lost: check.lost,
        extra: check.extra,
        readyAfterMs,
        caughtUpAfterMs,
        problems: [
          ...await faultSeen(dataDir, options.mode),
          ...coverage(committedAtKill, snapshotOffsets, options.mode),
          ...check.problems,
        ],
      };
    } catch (err) {
      await child.kill9();
      throw err;
    }
    const status = await child.stop();
    if (status.success) return result;
    return {
      ...result,
      problems: [...result.problems, `exit code ${status.code} on SIGTERM`],
    };
  } finally {
    await producer.disconnect();
    if (!options.keepDataDir) await Deno.remove(dataDir, { recursive: true });
  }
}

async function committed(
  kafka: Kafka,
  groupId: string,
  topic: string,
): Promise<Record<string, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return Object.fromEntries(
      (entry?.partitions ?? []).filter((p) => p.offset !== "-1")
        .map((p) => [String(p.partition), p.offset]),
    );
  } finally {
    await admin.disconnect();
  }
}

/** Waits until the group has committed an offset (a snapshot was written). */
async function waitCommitted(kafka: Kafka, groupId: string, topic: string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const offsets = Object.values(await committed(kafka, groupId, topic));
    if (offsets.some((o) => BigInt(o) > 0n)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("Nothing was committed within 60 s");
}

/** A file where the snapshot folder was: writes fail as on a full or read-only disk. */
async function unwritable(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.rename(dir, `${dir}.away`);
  await Deno.writeTextFile(dir, "not a folder");
}

/** Corrupts the newest snapshot, removes all of them, or makes the folder writable again. */
async function damage(dir: string, mode: FaultMode): Promise<void> {
  if (mode === "kill") return;
  if (mode === "snapshots-unwritable") {
    await Deno.remove(dir);
    await Deno.rename(`${dir}.away`, dir);
    return;
  }
  const snaps = await listSnapshots(dir);
  if (mode === "wipe-snapshots") {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    return;
  }
  const newest = snaps[0];
  if (newest === undefined) return;
  const file = join(dir, newest.name, "vectors.f32");
  const bytes = await Deno.readFile(file);
  await Deno.writeFile(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
}

/** Deletes `topic` and creates it again, empty, compacted, with as many partitions. */
async function recreateTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const partitions = (await admin.fetchTopicOffsets(topic)).length;
    await admin.deleteTopics({ topics: [topic], timeout: 20_000 });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      try {
        await admin.createTopics({
          topics: [{
            topic,
            numPartitions: partitions,
            configEntries: [{ name: "cleanup.policy", value: "compact" }],
          }],
        });
      } catch {
        // Still being deleted; the listing below decides.
      }
      if ((await admin.listTopics()).includes(topic)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`Cannot recreate topic "${topic}" within 60 s`);
  } finally {
    await admin.disconnect();
  }
}

/** The final title per live id after `events` alone (a new log). */
function expectedOf(events: readonly Event[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of events) {
    const value = e.value === null
      ? null
      : JSON.parse(e.value) as { op: string; title?: string };
    if (value === null || value.op === "delete") out.delete(e.key);
    else out.set(e.key, value.title ?? "");
  }
  return out;
}

async function newestValidOffsets(
  dir: string,
  topic: string,
): Promise<Record<string, string> | null> {
  for (const snap of await listSnapshots(dir)) {
    const { verified } = await verifySnapshot(join(dir, snap.name));
    if (verified === undefined) continue;
    const meta = verified.manifest.meta as {
      offsets?: Record<string, Record<string, string>>;
    };
    return meta.offsets?.[topic] ?? {};
  }
  return null;
}

/** An unwritable snapshot folder must have failed a write, or the trial proved nothing. */
async function faultSeen(dataDir: string, mode: FaultMode): Promise<string[]> {
  if (mode !== "snapshots-unwritable") return [];
  const log = await Deno.readTextFile(join(dataDir, "run1.log.stderr"));
  return log.includes('"event":"checkpoint_failed"')
    ? []
    : ["no snapshot write failed while the folder was unwritable"];
}

/** Committed offsets must be covered by the snapshot the restart loads. */
function coverage(
  committedAtKill: Record<string, string>,
  snapshot: Record<string, string> | null,
  mode: FaultMode,
): string[] {
  // Wiped or corrupted-away snapshots are recovered by replay (group offsets are reset).
  if (mode !== "kill" && mode !== "snapshots-unwritable") return [];
  return Object.entries(committedAtKill).flatMap(([p, offset]) =>
    BigInt(snapshot?.[p] ?? "0") >= BigInt(offset) ? [] : [
      `partition ${p}: offset ${offset} committed but the snapshot covers only ${
        snapshot?.[p] ?? "nothing"
      }`,
    ]
  );
}

/** Looks up every id of the pool: live ones must hold their latest title. */
async function compare(
  child: ServiceChild,
  expected: Map<string, string>,
  ids: number,
) {
  let lost = 0;
  let extra = 0;
  const problems: string[] = [];
  for (let i = 0; i < ids; i++) {
    const id = `p${i}`;
    const { status, body } = await getJson<{ title?: string }>(
      `${child.url}/products/${id}`,
    );
    const want = expected.get(id);
    if (want === undefined && status !== 404) {
      extra++;
      problems.push(`${id} should be deleted or absent, got ${status}`);
    } else if (want !== undefined && (status !== 200 || body.title !== want)) {
      lost++;
      problems.push(`${id}: want "${want}", got ${status} ${body.title ?? ""}`);
    }
  }
  return { lost, extra, problems: problems.slice(0, 10) };
}
