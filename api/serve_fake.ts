/**
 * Serves the app over a canned, zero-cost index and a fixed-vector encoder, for
 * loopback load tests of the HTTP path alone (e.g. with wrk). Stops by itself.
 *
 * `deno run --allow-net api/serve_fake.ts [--port 8181] [--seconds 60]`
 * @module
 */

import { createJsonLogger } from "../log.ts";
import { Metrics } from "../metrics.ts";
import { createApp } from "./app.ts";
import { cannedSearcher, fixedVectorEncoder } from "./testing.ts";

function flag(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(Deno.args[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(
      `Cannot start: --${name} must be a non-negative integer`,
    );
  }
  return value;
}

if (import.meta.main) {
  const port = flag("port", 8181);
  const seconds = flag("seconds", 60);
  const log = createJsonLogger();
  const app = createApp({
    searcher: cannedSearcher(1000),
    encoder: fixedVectorEncoder(),
    stats: () => ({ fake: true }),
    metrics: new Metrics(),
    log,
  });
  const server = Deno.serve({
    port,
    hostname: "127.0.0.1",
    signal: AbortSignal.timeout(seconds * 1000),
    onListen: ({ port }) => log.info("listening", { port, seconds }),
  }, app.fetch);
  await server.finished;
}
