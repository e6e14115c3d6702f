/**
 * Flags of the app's programs besides the service (`deno task serve`, `deno task
 * fanout`), declared once: the programs parse them with `parseFlags`, and
 * `startReplica`/`startFanout` take their defaults from them. Settings the service has
 * too (model dir, device, host, port) are its declared options from `config.ts`.
 * @module
 */
import { type Flag, flagDefaults, type FlagValues } from "../cli_flags.ts";
import { OPTIONS } from "../config.ts";
import { integer, text } from "../config_options.ts";

/** Flags of `deno task serve` (the read replica). */
export const REPLICA_FLAGS = {
  snapshots: {
    option: text({
      doc: "The `snapshots` folder of an ingest process's data dir",
      default: "",
    }),
    arg: "DIR",
    required: true,
  } satisfies Flag<string>,
  model: {
    option: OPTIONS.encoder.modelDir,
    arg: "DIR",
  } satisfies Flag<string>,
  port: {
    option: OPTIONS.http.port,
    arg: "N",
    default: 8081,
  } satisfies Flag<number>,
  host: { option: OPTIONS.http.host, arg: "HOST" } satisfies Flag<string>,
  "poll-ms": {
    option: integer({
      doc: "How often the folder is checked for a newer snapshot, ms",
      default: 1000,
      min: 10,
      max: 3_600_000,
    }),
    arg: "N",
  } satisfies Flag<number>,
  device: { option: OPTIONS.encoder.device, arg: "NAME" },
};

/** Flags of `deno task fanout` (the query router over shards). */
export const FANOUT_FLAGS = {
  shard: {
    option: text({
      doc: "Base URL of one shard (an ingest process)",
      default: "",
      pattern: /^https?:\/\/[^\s/]+/,
      shape: "an http:// or https:// URL",
      accepts: "http(s) URL",
    }),
    arg: "URL",
    required: true,
    multiple: true,
  } satisfies Flag<string>,
  port: {
    option: OPTIONS.http.port,
    arg: "N",
    default: 8090,
  } satisfies Flag<number>,
  host: { option: OPTIONS.http.host, arg: "HOST" } satisfies Flag<string>,
  "timeout-ms": {
    option: integer({
      doc: "Time allowed for each shard's answer, ms",
      default: 2000,
      min: 1,
      max: 600_000,
    }),
    arg: "N",
  } satisfies Flag<number>,
};

/** What `startReplica` uses for an option it is not given. */
export const REPLICA_DEFAULTS: FlagValues<typeof REPLICA_FLAGS> = flagDefaults(
  REPLICA_FLAGS,
);

/** What `startFanout` uses for an option it is not given. */
export const FANOUT_DEFAULTS: FlagValues<typeof FANOUT_FLAGS> = flagDefaults(
  FANOUT_FLAGS,
);
