/**
 * Issue 12 item 3 / issue 13 item 2, as a user runs it: `deno task ingest` with its
 * embedded broker, then Ctrl-C (SIGINT to the whole process group, as a terminal sends
 * it). The consumer leaves its group before the broker stops, one `shutting_down` line
 * is logged and no error line; the next start finds the group empty (no wait for a
 * departed member), and a Ctrl-C while it is still starting stops it cleanly too.
 */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";

const ROOT = new URL("..", import.meta.url).pathname;

interface Run {
  readonly lines: Array<Record<string, unknown>>;
  /** Set once the process has exited. */
  readonly exited: { code: number | null };
  readonly status: Promise<Deno.CommandStatus>;
  readonly pid: number;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** `deno task ingest` in its own process group, its JSON log lines collected. */
function startIngest(env: Record<string, string>): Run {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "ingest"],
    cwd: ROOT,
    env,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    detached: true,
  }).spawn();
  const lines: Array<Record<string, unknown>> = [];
  const reading = (async () => {
    let rest = "";
    for await (
      const chunk of child.stderr.pipeThrough(new TextDecoderStream())
    ) {
      rest += chunk;
      const parts = rest.split("\n");
      rest = parts.pop() ?? "";
      for (const line of parts) {
        try {
          lines.push(JSON.parse(line));
        } catch {
          lines.push({ level: "text", text: line });
        }
      }
    }
  })();
  const exited = { code: null as number | null };
  const status = reading.then(() => child.status).then((s) => {
    exited.code = s.code;
    return s;
  });
  return { lines, status, pid: child.pid, exited };
}

async function waitIndexed(port: string, count: number): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const res = await fetch(`http://127.0.0.1:${port}/stats`);
    const body = await res.json() as { indexed?: number };
    if (body.indexed === count) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out waiting for ${count} products to be indexed`);
}

function has(run: Run, event: string) {
  return run.lines.some((l) => l.event === event);
}

/** Waits for `event` in the run's log; fails at once, with its last lines, if it exits. */
async function waitEvent(run: Run, event: string): Promise<void> {
  // Start-up includes the embedded broker's (15-25 s here, far more under a loaded
  // parallel test run).
  const deadline = Date.now() + 300_000;
  while (!has(run, event)) {
    if (run.exited.code !== null || Date.now() > deadline) {
      throw new Error(
        `No "${event}" (exit code ${run.exited.code}); last lines: ${
          JSON.stringify(run.lines.slice(-8))
        }`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

Deno.test("deno task ingest: Ctrl-C leaves the group, then stops the broker, without error lines; also during start-up", async () => {
  const dataDir = `data/test-shutdown-${Date.now().toString(36)}`;
  const kafkaPort = freePort();
  const port = String(freePort());
  const env = {
    // Not the broker `deno task test` gives the test process: the embedded one.
    KAFKA_BROKERS: "",
    DATA_DIR: dataDir,
    PORT: port,
    KAFKA_EMBEDDED_PORT: String(kafkaPort),
    LOG_LEVEL: "info",
  };
  try {
    const first = startIngest(env);
    await waitEvent(first, "kafka_group_joined");
    const kafka = new Kafka({
      clientId: "shutdown-test",
      brokers: [`127.0.0.1:${kafkaPort}`],
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: "products",
      messages: Array.from({ length: 20 }, (_, i) => ({
        key: `s${i}`,
        value: JSON.stringify({
          op: "upsert",
          id: `s${i}`,
          title: `Wool scarf ${i}`,
        }),
      })),
    });
    await producer.disconnect();
    await waitIndexed(port, 20);
    Deno.kill(-first.pid, "SIGINT");
    const code = (await first.status).code;
    assert.equal(code, 0, JSON.stringify(first.lines.slice(-5)));
    const errors = first.lines.filter((l) => l.level === "error");
    assert.deepEqual(errors, [], "no error lines on Ctrl-C");
    const shutting = first.lines.filter((l) => l.event === "shutting_down");
    assert.equal(shutting.length, 1);
    assert.equal(shutting[0]?.message, "shutting down (SIGINT)");
    const order = first.lines.map((l) => l.event);
    assert.ok(
      order.indexOf("kafka_source_stopped") <
        order.indexOf("kafka_broker_stopped"),
      "the consumer leaves before the broker stops",
    );

    // The restart; Ctrl-C comes while it is still starting (after the group offsets are
    // set, before the service is up): it finishes starting, then stops cleanly.
    const second = startIngest(env);
    try {
      await waitEvent(second, "group_offsets_aligned");
    } finally {
      Deno.kill(-second.pid, "SIGINT");
    }
    assert.equal((await second.status).code, 0);
    assert.ok(
      !has(second, "group_offsets_not_aligned"),
      "the group is empty after a clean stop: no departed member to wait for",
    );
    assert.ok(has(second, "service_stopped"));
    assert.deepEqual(second.lines.filter((l) => l.level === "error"), []);
    assert.equal(
      second.lines.filter((l) => l.event === "shutting_down").length,
      1,
    );
  } finally {
    await Deno.remove(`${ROOT}/${dataDir}`, { recursive: true }).catch(
      () => {},
    );
  }
});
