/**
 * `deno task serve --snapshots DIR [--model DIR] [--port 8081] [--host H] [--poll-ms 1000]
 * [--device auto|webgpu|native|wasm]`: a search-only read replica over the snapshot folder
 * of an ingest process (`<DATA_DIR>/snapshots`). No Kafka: it hot-reloads the newest
 * snapshot, switching model bundles with it. Same HTTP API as the ingest service, without
 * /admin. Stops on SIGINT/SIGTERM. Its flags are declared in app/flags.ts.
 * @module
 */
import { parseFlags } from "../cli_flags.ts";
import { createJsonLogger } from "../log.ts";
import { REPLICA_FLAGS } from "./flags.ts";
import { startReplica } from "./mod.ts";

async function main(): Promise<number> {
  const flags = parseFlags({
    task: "serve",
    about:
      "A search-only read replica: hot-reloads the newest snapshot of an ingest process.",
    flags: REPLICA_FLAGS,
  });
  const log = createJsonLogger();
  const replica = await startReplica({
    snapshotsDir: flags.snapshots,
    modelDir: flags.model,
    host: flags.host,
    port: flags.port,
    pollMs: flags["poll-ms"],
    device: flags.device,
    log,
  });
  log.info("replica_started", { url: replica.url, seq: replica.loadedSeq });
  const stopped = Promise.withResolvers<void>();
  const onSignal = () => stopped.resolve();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  await stopped.promise;
  await replica.stop();
  Deno.removeSignalListener("SIGINT", onSignal);
  Deno.removeSignalListener("SIGTERM", onSignal);
  return 0;
}

if (import.meta.main) Deno.exit(await main());
