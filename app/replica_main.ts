/**
 * `deno task serve --snapshots DIR [--model DIR] [--port 8081] [--host H] [--poll-ms 1000]
 * [--device auto|webgpu|native|wasm]`: a search-only read replica over the snapshot folder
 * of an ingest process (`<DATA_DIR>/snapshots`). No Kafka: it hot-reloads the newest
 * snapshot, switching model bundles with it. Same HTTP API as the ingest service, without
 * /admin. Stops on SIGINT/SIGTERM.
 * @module
 */
import { parseCli, usageError } from "../cli.ts";
import type { EncoderDevice } from "../encode/mod.ts";
import { createJsonLogger } from "../log.ts";
import { startReplica } from "./mod.ts";

const USAGE =
  "Usage: deno task serve --snapshots DIR [--model DIR] [--port 8081] [--host 127.0.0.1] [--poll-ms 1000] [--device auto]";
const DEVICES = ["auto", "webgpu", "native", "wasm"];

async function main(): Promise<number> {
  const { values } = parseCli(USAGE, {
    args: Deno.args,
    options: {
      snapshots: { type: "string" },
      model: { type: "string", default: "model/default" },
      port: { type: "string", default: "8081" },
      host: { type: "string", default: "127.0.0.1" },
      "poll-ms": { type: "string", default: "1000" },
      device: { type: "string", default: "auto" },
      help: { type: "boolean", short: "h" },
    },
  });
  const log = createJsonLogger();
  const port = Number(values.port);
  const pollMs = Number(values["poll-ms"]);
  if (!values.snapshots) usageError("--snapshots DIR is required");
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    usageError(`--port must be an integer in 0..65535: got "${values.port}"`);
  }
  if (!(pollMs >= 10)) {
    usageError(`--poll-ms must be at least 10: got "${values["poll-ms"]}"`);
  }
  if (!DEVICES.includes(values.device)) {
    usageError(
      `--device must be one of ${DEVICES.join(", ")}: got "${values.device}"`,
    );
  }
  const replica = await startReplica({
    snapshotsDir: values.snapshots,
    modelDir: values.model,
    host: values.host,
    port,
    pollMs,
    device: values.device as EncoderDevice,
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
