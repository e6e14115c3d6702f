/**
 * `deno task test [deno test args…]`: starts one embedded Kafka broker on a free port
 * (unless `KAFKA_BROKERS` is set), runs `deno test -A --parallel` with `KAFKA_BROKERS`
 * pointing at it, stops the broker, and ends with a line `N passed, N failed`. When
 * there is no Chromium, a line before it says that the browser test did not run and why.
 * Exit code: deno test's (non-zero also when its summary cannot be parsed).
 * @module
 */
import { startEmbeddedBroker } from "../broker/mod.ts";
import { routeProcessWarnings } from "../ingest/mod.ts";
import { createJsonLogger } from "../log.ts";
import { findChromium } from "../tests/_chromium.ts";

const encoder = new TextEncoder();

const USAGE =
  `Usage: deno task test [deno test arguments…, e.g. path/to/x_test.ts --filter NAME]
Runs the tests (deno test -A --parallel) against one embedded Kafka broker it starts
(or KAFKA_BROKERS when set) and ends with a line "N passed, N failed".`;

async function main(): Promise<number> {
  if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
    await write(Deno.stdout, `${USAGE}\n`);
    return 0;
  }
  const log = createJsonLogger({ level: "warn" }).child({ stage: "test" });
  routeProcessWarnings(log);
  // Ctrl-C reaches deno test too (same process group); we wait for it and clean up.
  const onSignal = () => {};
  Deno.addSignalListener("SIGINT", onSignal);
  try {
    const external = Deno.env.get("KAFKA_BROKERS");
    if (external) return await runTests(external);
    const dataDir = await Deno.makeTempDir({ prefix: "kafka-test-" });
    try {
      const started = performance.now();
      await using broker = await startEmbeddedBroker({ dataDir, port: 0, log });
      await write(
        Deno.stderr,
        `Kafka test broker ready on ${broker.brokers.join(",")} in ${
          ((performance.now() - started) / 1000).toFixed(1)
        } s\n`,
      );
      return await runTests(broker.brokers.join(","));
    } finally {
      await Deno.remove(dataDir, { recursive: true });
    }
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
  }
}

/** Runs deno test, echoing its output, and prints the closing summary line. */
async function runTests(brokers: string): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", "--parallel", ...Deno.args],
    env: { KAFKA_BROKERS: brokers },
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const summary = await echoAndFindSummary(child.stdout);
  const status = await child.status;
  if (!summary) {
    await write(
      Deno.stderr,
      "Cannot find deno test's summary line (ok | N passed | N failed)\n",
    );
    return status.code === 0 ? 1 : status.code;
  }
  const chromium = findChromium();
  const browserTestAsked = Deno.args.every((a) => a.startsWith("-")) ||
    Deno.args.some((a) => a.includes("browser"));
  if ("missing" in chromium && browserTestAsked) {
    await write(
      Deno.stdout,
      `browser test did not run: ${chromium.missing}\n`,
    );
  }
  await write(
    Deno.stdout,
    `${summary.passed} passed, ${summary.failed} failed\n`,
  );
  return status.code;
}

/** Copies `stream` to stdout and returns the counts from Deno's last summary line. */
async function echoAndFindSummary(
  stream: ReadableStream<Uint8Array>,
): Promise<{ passed: number; failed: number } | undefined> {
  const decoder = new TextDecoder();
  let pending = "";
  let found: { passed: number; failed: number } | undefined;
  for await (const chunk of stream) {
    await Deno.stdout.write(chunk);
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) found = parseSummary(line) ?? found;
  }
  return parseSummary(pending) ?? found;
}

/** Parses `ok | 3 passed (2 steps) | 0 failed (1s)` (ANSI colours removed). */
export function parseSummary(
  line: string,
): { passed: number; failed: number } | undefined {
  // deno-lint-ignore no-control-regex -- strips ANSI colour codes
  const plain = line.replace(/\x1b\[[0-9;]*m/g, "").trim();
  const m = /^(?:ok|FAILED)\s*\|\s*(\d+) passed[^|]*\|\s*(\d+) failed/.exec(
    plain,
  );
  if (!m) return undefined;
  return { passed: Number(m[1]), failed: Number(m[2]) };
}

async function write(
  to: { write(p: Uint8Array): Promise<number> },
  text: string,
) {
  await to.write(encoder.encode(text));
}

if (import.meta.main) {
  try {
    Deno.exitCode = await main();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await write(Deno.stderr, `Error: ${message}\n`);
    Deno.exitCode = 1;
  }
}
