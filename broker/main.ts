/**
 * `deno task kafka [--port 9092] [--data-dir DIR]`: a single-node KRaft Apache Kafka
 * broker on 127.0.0.1 in the foreground. Prints one line when ready; Ctrl-C stops it.
 * The data dir may also come from `KAFKA_DATA_DIR` (default `.kafka/data`; the task
 * may write only under `.kafka/`). The broker's own log goes to `<data dir>/broker.log`.
 * @module
 */
import { type Flag, parseFlags } from "../cli_flags.ts";
import { OPTIONS } from "../config.ts";
import { integer, text } from "../config_options.ts";
import { routeProcessWarnings } from "../ingest/mod.ts";
import { startEmbeddedBroker } from "./mod.ts";
import { createJsonLogger } from "../log.ts";

/** Flags of `deno task kafka`. */
const FLAGS = {
  port: {
    // Where the service starts its embedded broker, with 0 (a free port) allowed here.
    option: integer({
      default: OPTIONS.kafka.embeddedPort.default,
      min: 0,
      max: 65535,
      doc: "Port on 127.0.0.1 (0 picks a free one)",
    }),
    arg: "N",
  } satisfies Flag<number>,
  "data-dir": {
    option: text({
      env: "KAFKA_DATA_DIR",
      default: ".kafka/data",
      doc: "Broker data; the task may write only under .kafka/",
    }),
    arg: "DIR",
    fromEnv: true,
  } satisfies Flag<string>,
};

async function main(): Promise<number> {
  const { port, "data-dir": dataDir } = parseFlags({
    task: "kafka",
    about:
      "A single-node KRaft Kafka broker in the foreground; prints one line when ready.",
    flags: FLAGS,
  });
  const log = createJsonLogger({ level: "warn" }).child({ stage: "kafka" });
  routeProcessWarnings(log);
  const stop = new AbortController();
  // Listen before anything can abort: a signal may arrive right after the ready line.
  const stopped = new Promise<"signal">((resolve) =>
    stop.signal.addEventListener("abort", () => resolve("signal"), {
      once: true,
    })
  );
  const onSignal = () => stop.abort(new Error("Interrupted"));
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  const started = performance.now();
  await using broker = await startEmbeddedBroker({
    dataDir,
    port,
    log,
    signal: stop.signal,
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  await say(
    `Kafka 3.9.1 ready on ${
      broker.brokers.join(",")
    } in ${seconds} s (data ${dataDir}, log ${broker.logFile}); Ctrl-C stops it`,
    0,
  );
  const why = await Promise.race([stopped, broker.exited]);
  Deno.removeSignalListener("SIGINT", onSignal);
  Deno.removeSignalListener("SIGTERM", onSignal);
  return why === "signal" ? 0 : 1;
}

async function say(line: string, code: number): Promise<number> {
  await Deno.stdout.write(new TextEncoder().encode(line + "\n"));
  return code;
}

if (import.meta.main) {
  try {
    Deno.exitCode = await main();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await Deno.stderr.write(new TextEncoder().encode(`Error: ${message}\n`));
    Deno.exitCode = 1;
  }
}
