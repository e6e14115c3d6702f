/**
 * `deno task faults [--trials 20] [--short] [--seed S] [--recovery N]`: kill -9 fault
 * trials against the real service as a child process (see tools/fault_trial.ts). Modes
 * rotate: plain kill, kill + corrupted newest snapshot, kill + wiped snapshots, kill +
 * the topic deleted and created again while the service is down, kill while snapshot
 * writes fail (the folder unwritable). One line
 * per trial, then totals; exit 1 when any trial lost, kept or left anything wrong.
 * `--recovery N` instead measures recovery with N title-only products: after `--kills K`
 * kill -9s in a row while updates stream (default 1), then after a graceful stop;
 * `--session-timeout-ms MS` sets the service's consumer session timeout (default: its own).
 * Uses `KAFKA_BROKERS`, or starts an embedded broker on a free port.
 * @module
 */
import { parseCli } from "../cli.ts";
import { startEmbeddedBroker } from "../broker/mod.ts";
import { routeProcessWarnings } from "../ingest/mod.ts";
import { createJsonLogger } from "../log.ts";
import {
  type FaultMode,
  type KillTrialResult,
  runKillTrial,
} from "./fault_trial.ts";
import { measureRecovery } from "./fault_recovery.ts";

const USAGE =
  "Usage: deno task faults [--trials 20] [--short] [--seed S] [--events N] [--recovery PRODUCTS [--kills K] [--session-timeout-ms MS]]";
const MODES: FaultMode[] = [
  "kill",
  "corrupt-newest",
  "kill",
  "wipe-snapshots",
  "recreate-topic",
  "snapshots-unwritable",
];
const encoder = new TextEncoder();

function say(line: string): void {
  Deno.stdout.writeSync(encoder.encode(line + "\n"));
}

async function main(): Promise<number> {
  const { values } = parseCli(USAGE, {
    args: Deno.args,
    options: {
      trials: { type: "string" },
      short: { type: "boolean" },
      seed: { type: "string", default: String(Date.now() % 100_000) },
      events: { type: "string" },
      recovery: { type: "string" },
      kills: { type: "string", default: "1" },
      "session-timeout-ms": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return (say(USAGE), 0);
  const trials = Number(values.trials ?? (values.short ? 3 : 20));
  const events = Number(values.events ?? (values.short ? 800 : 2000));
  const seed = Number(values.seed);
  const kills = Number(values.kills);
  const session = values["session-timeout-ms"];
  const sessionTimeoutMs = session === undefined ? undefined : Number(session);
  if (
    ![trials, events, seed, kills, sessionTimeoutMs ?? 0].every(
      Number.isSafeInteger,
    ) || trials < 1 || kills < 1
  ) {
    return (say(USAGE), 2);
  }
  const log = createJsonLogger({ level: "warn" }).child({ stage: "faults" });
  routeProcessWarnings(log);
  const external = Deno.env.get("KAFKA_BROKERS");
  if (external) {
    return await run(external.split(","), {
      trials,
      events,
      seed,
      recovery: values.recovery,
      kills,
      sessionTimeoutMs,
    });
  }
  const dataDir = await Deno.makeTempDir({ prefix: "faults-kafka-" });
  try {
    await using broker = await startEmbeddedBroker({ dataDir, port: 0, log });
    return await run(broker.brokers, {
      trials,
      events,
      seed,
      recovery: values.recovery,
      kills,
      sessionTimeoutMs,
    });
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
}

async function run(
  brokers: string[],
  o: {
    trials: number;
    events: number;
    seed: number;
    recovery: string | undefined;
    kills: number;
    sessionTimeoutMs: number | undefined;
  },
): Promise<number> {
  if (o.recovery !== undefined) {
    const products = Number(o.recovery);
    if (!Number.isSafeInteger(products) || products < 1) return (say(USAGE), 2);
    const r = await measureRecovery({
      brokers,
      products,
      kills: o.kills,
      ...(o.sessionTimeoutMs === undefined
        ? {}
        : { sessionTimeoutMs: o.sessionTimeoutMs }),
    });
    say(JSON.stringify(r));
    return r.lost === 0 ? 0 : 1;
  }
  const results: KillTrialResult[] = [];
  for (let i = 0; i < o.trials; i++) {
    const mode = MODES[i % MODES.length] as FaultMode;
    const r = await runKillTrial({
      brokers,
      mode,
      seed: o.seed + i,
      events: o.events,
    });
    results.push(r);
    say(
      `trial ${
        i + 1
      }/${o.trials} ${mode} seed=${r.seed}: killed after ${r.killedAfterMs} ms, ` +
        `committed ${JSON.stringify(r.committedAtKill)}, ${
          mode === "kill" ? "newest snapshot" : "snapshot used after damage"
        } ${JSON.stringify(r.snapshotOffsets)}, ` +
        `live ${r.liveExpected}, lost ${r.lost}, extra ${r.extra}, ready ${r.readyAfterMs} ms, ` +
        `caught up ${r.caughtUpAfterMs} ms${
          r.problems.length ? ` PROBLEMS ${r.problems.join("; ")}` : ""
        }`,
    );
  }
  const bad = results.filter((r) =>
    r.problems.length > 0 || r.lost + r.extra > 0
  );
  const lost = results.reduce((a, r) => a + r.lost, 0);
  const extra = results.reduce((a, r) => a + r.extra, 0);
  const ready = results.map((r) => r.readyAfterMs).sort((a, b) => a - b);
  say(
    `${results.length} trials, ${bad.length} with problems, ${lost} products lost, ${extra} extra; ` +
      `restart → ready median ${ready[Math.floor(ready.length / 2)]} ms, max ${
        ready.at(-1)
      } ms`,
  );
  return bad.length === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main());
