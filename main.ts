/**
 * `deno task ingest`: the product indexer and search service. Reads its configuration
 * from the environment (see README), runs until SIGINT/SIGTERM, then shuts down
 * gracefully. Exits 2 on a configuration error (including a data dir it may not write or
 * an HTTP port already in use), 1 when start-up or the pipeline fails.
 * @module
 */
import { loadConfig, redactConfig } from "./config.ts";
import { envHelp } from "./config_docs.ts";
import { ConfigError } from "./errors.ts";
import { createJsonLogger } from "./log.ts";
import { startService } from "./app/mod.ts";
import { routeProcessWarnings } from "./ingest/mod.ts";

async function main(): Promise<number> {
  if (Deno.args.length > 0) return answerArgs(Deno.args);
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    createJsonLogger().error("config_invalid", { problems: err.problems });
    return 2;
  }
  const log = createJsonLogger({ level: config.logLevel });
  // kafkajs schedules timers with negative delays; Node-compat prints a warning for each.
  routeProcessWarnings(log);
  log.info("config", { config: redactConfig(config) });
  const denied = deniedPaths(config.dataDir);
  if (denied.length > 0) {
    log.error("permission_denied", {
      problems: denied,
      hint:
        "put DATA_DIR under ./data, or run main.ts with --allow-write (and --allow-read) for it",
    });
    return 2;
  }
  // Checked before the broker starts, so a busy port fails in a second, not after it.
  const busy = portInUse(config.http.host, config.http.port);
  if (busy) {
    log.error("config_invalid", {
      problems: [busy],
      hint: "set PORT (or HOST)",
    });
    return 2;
  }
  const shutdown = new AbortController();
  const signals = {
    SIGINT: () => onSignal("SIGINT"),
    SIGTERM: () => onSignal("SIGTERM"),
  };
  const onSignal = (name: "SIGINT" | "SIGTERM") => {
    if (shutdown.signal.aborted) return;
    log.info("shutting_down", {
      signal: name,
      message: `shutting down (${name})`,
    });
    shutdown.abort();
  };
  Deno.addSignalListener("SIGINT", signals.SIGINT);
  Deno.addSignalListener("SIGTERM", signals.SIGTERM);
  // Made before starting: a Ctrl-C during start-up stops the service once it is up.
  const stopped = new Promise<void>((resolve) =>
    shutdown.signal.addEventListener("abort", () => resolve())
  );
  let service;
  try {
    service = await startService(config, { log });
  } catch (err) {
    log.error("startup_failed", { error: err });
    return 1;
  }
  const failed = await Promise.race([
    stopped.then(() => false),
    service.done.then(() => false, () => true),
  ]);
  await service.stop();
  Deno.removeSignalListener("SIGINT", signals.SIGINT);
  Deno.removeSignalListener("SIGTERM", signals.SIGTERM);
  return failed ? 1 : 0;
}

/**
 * The service takes no arguments (its configuration is the environment): `--help`
 * prints the usage and every variable with its default (exit 0); anything else is
 * one line on stderr (exit 2), never a start.
 */
function answerArgs(args: readonly string[]): number {
  const out = new TextEncoder();
  if (args.includes("--help") || args.includes("-h")) {
    Deno.stdout.writeSync(out.encode(
      `Usage: deno task ingest
Runs the product indexer and search service (embedded Kafka broker unless
KAFKA_BROKERS is set; search page on http://HOST:PORT/). Stops on Ctrl-C.
Configured by environment variables only (default; accepted values):
${envHelp()}
`,
    ));
    return 0;
  }
  Deno.stderr.writeSync(out.encode(
    `Error: deno task ingest takes no arguments: got "${
      args[0]
    }"; configure it with environment variables (see --help)\n`,
  ));
  return 2;
}

/** Problems with the permissions the data dir needs, checked before anything starts. */
function deniedPaths(dataDir: string): string[] {
  const problems: string[] = [];
  for (const name of ["read", "write"] as const) {
    if (
      Deno.permissions.querySync({ name, path: dataDir }).state !== "granted"
    ) {
      problems.push(
        `Cannot use DATA_DIR "${dataDir}": no ${name} permission for it`,
      );
    }
  }
  return problems;
}

/** A problem sentence when `host:port` cannot be bound, else null. */
function portInUse(hostname: string, port: number): string | null {
  if (port === 0) return null;
  try {
    Deno.listen({ hostname, port }).close();
    return null;
  } catch (err) {
    if (err instanceof Deno.errors.AddrInUse) {
      return `Cannot listen on ${hostname}:${port}: the address is already in use`;
    }
    return `Cannot listen on ${hostname}:${port}: ${String(err)}`;
  }
}

if (import.meta.main) Deno.exit(await main());
