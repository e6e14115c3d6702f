/**
 * The composition layer: `start.ts` creates every part of the ingest service in order,
 * each with its own slice of the config, and runs them as one service.
 * Only the programs (`main.ts`, `app/*_main.ts`) and tests use it. Input: a resolved `Config`. Output: a running
 * {@linkcode Service} (HTTP URL, live index, metrics). On a start-up failure everything
 * started so far is stopped and the error is rethrown; `stop()` shuts down gracefully.
 * @module
 */
export { type Service, startService } from "./start.ts";
export { startReplica } from "./replica.ts";
export { startFanout } from "./fanout.ts";
export { partitionOf } from "../live/mod.ts";
