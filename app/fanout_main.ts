/**
 * `deno task fanout --shard URL --shard URL … [--port 8090] [--host H] [--timeout-ms 2000]`:
 * a query router over the shards of a scaled-out ingest (processes of one consumer
 * group): /search goes to every shard and the hits are merged by score; /products/:id
 * and /readyz are answered from the shards too. Stops on SIGINT/SIGTERM. Its flags are
 * declared in app/flags.ts.
 * @module
 */
import { parseFlags } from "../cli_flags.ts";
import { createJsonLogger } from "../log.ts";
// Not app/mod.ts: that loads the whole service, whose image codec needs
// --allow-ffi as soon as it is imported; the router needs only HTTP.
import { startFanout } from "./fanout.ts";
import { FANOUT_FLAGS } from "./flags.ts";

async function main(): Promise<number> {
  const flags = parseFlags({
    task: "fanout",
    about:
      "A query router over the shards of a scaled-out ingest: merges their hits by score.",
    flags: FANOUT_FLAGS,
  });
  const log = createJsonLogger();
  const fanout = await startFanout({
    shards: flags.shard,
    host: flags.host,
    port: flags.port,
    timeoutMs: flags["timeout-ms"],
    log,
  });
  log.info("fanout_started", { url: fanout.url, shards: flags.shard });
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
