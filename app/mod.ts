/**
 * The composition layer: `start.ts` creates every part of the ingest service in order,
 * each with its own slice of the config, and runs them as one service.
 * Only the programs (`main.ts`, `app/*_main.ts`) and tests use it. Input: a resolved `Config`. Output: a running
 * {@linkcode Service} (HTTP URL, live index, metrics). On a start-up failure everything
 * started so far is stopped and the error is rethrown; `stop()` shuts down gracefully.
 * @module
 */
export { type Service, type ServiceOptions, startService } from "./start.ts";
export type { ApiSettings } from "./http.ts";
export { type Replica, type ReplicaOptions, startReplica } from "./replica.ts";
export { type Fanout, type FanoutOptions, startFanout } from "./fanout.ts";
export {
  type AutoCompactOptions,
  type Generation,
  type Generations,
  partitionOf,
  type ReindexResult,
  type ReindexState,
  type Swaps,
  type ThumbnailStore,
} from "../live/mod.ts";
// Types from other modules that the contracts above mention
export type { Logger } from "../log.ts";
export type { Metrics } from "../metrics.ts";
export type { IndexHolder } from "../index/mod.ts";
export type {
  EncoderDevice,
  Encoders,
  ImageResult,
  ModelBundle,
} from "../encode/mod.ts";
export type { ImageOutcome, PipelineSummary } from "../pipeline/mod.ts";
export type { AppLimits, SearchTuning } from "../api/mod.ts";
