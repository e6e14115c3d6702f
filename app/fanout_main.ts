/**
 * `deno task fanout --shard URL --shard URL … [--port 8090] [--host H] [--timeout-ms 2000]`:
 * a query router over the shards of a scaled-out ingest (processes of one consumer
 * group): /search goes to every shard and the hits are merged by score; /products/:id
 * and /readyz are answered from the shards too. Stops on SIGINT/SIGTERM.
 * @module
 */
import { parseCli, usageError } from "../cli.ts";
import { createJsonLogger } from "../log.ts";
// Not app/mod.ts: that loads the whole service, whose image codec needs
// --allow-ffi as soon as it is imported; the router needs only HTTP.
import { startFanout } from "./fanout.ts";

const USAGE =
  "Usage: deno task fanout --shard http://host:8080 --shard http://host2:8080 [--port 8090] [--host 127.0.0.1] [--timeout-ms 2000]";

async function main(): Promise<number> {
  const { values } = parseCli(USAGE, {
    args: Deno.args,
    options: {
      shard: { type: "string", multiple: true, default: [] },
      port: { type: "string", default: "8090" },
      host: { type: "string", default: "127.0.0.1" },
      "timeout-ms": { type: "string", default: "2000" },
      help: { type: "boolean", short: "h" },
    },
  });
  const log = createJsonLogger();
  const port = Number(values.port);
  const timeoutMs = Number(values["timeout-ms"]);
  if (values.shard.length === 0) usageError("Give at least one --shard URL");
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    usageError(`--port must be an integer in 0..65535: got "${values.port}"`);
  }
  if (!(timeoutMs > 0)) {
    usageError(`--timeout-ms must be above 0: got "${values["timeout-ms"]}"`);
  }
  const fanout = await startFanout({
    shards: values.shard,
    host: values.host,
    port,
    timeoutMs,
    log,
  });
  log.info("fanout_started", { url: fanout.url, shards: values.shard });
  const stopped = Promise.withResolvers<void>();
  const onSignal = () => stopped.resolve();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  await stopped.promise;
  await fanout.stop();
  Deno.removeSignalListener("SIGINT", onSignal);
  Deno.removeSignalListener("SIGTERM", onSignal);
  return 0;
}

if (import.meta.main) Deno.exit(await main());
