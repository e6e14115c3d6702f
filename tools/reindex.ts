/**
 * `deno task reindex --model DIR [--url URL] [--token T]`: live model upgrade of a
 * running service. Asks it (POST /admin/reindex) to build a shadow index with the bundle
 * in DIR from a replay of the topic while the old index serves, then to swap index and
 * query encoder together; prints progress from /stats until the swap is done.
 * The token defaults to `ADMIN_TOKEN`. Exit code: 0 done, 1 failed, 2 usage.
 * @module
 */
import { resolve } from "node:path";
import { type Flag, parseFlags } from "../cli_flags.ts";
import { OPTIONS } from "../config.ts";
import { integer, text } from "../config_options.ts";

/** Flags of `deno task reindex`: the token is the service's `ADMIN_TOKEN`. */
const FLAGS = {
  model: {
    option: OPTIONS.encoder.modelDir,
    arg: "DIR",
    required: true,
  } satisfies Flag<string>,
  url: {
    option: text({
      doc: "Base URL of the running service",
      default:
        `http://${OPTIONS.http.host.default}:${OPTIONS.http.port.default}`,
    }),
    arg: "URL",
  } satisfies Flag<string>,
  token: {
    option: OPTIONS.http.adminToken,
    arg: "T",
    required: true,
    fromEnv: true,
  } satisfies Flag<string>,
  "timeout-s": {
    option: integer({
      doc: "How long to follow the reindex before giving up, s",
      default: 1800,
      min: 1,
      max: 86_400,
    }),
    arg: "N",
  } satisfies Flag<number>,
};

const encoder = new TextEncoder();

function say(line: string): void {
  Deno.stdout.writeSync(encoder.encode(line + "\n"));
}

async function main(): Promise<number> {
  const flags = parseFlags({
    task: "reindex",
    about:
      "Has the running service build a shadow index with the bundle in DIR, then swap it in live.",
    flags: FLAGS,
  });
  return await runReindex({
    url: flags.url,
    modelDir: flags.model,
    token: flags.token,
    timeoutMs: flags["timeout-s"] * 1000,
  });
}

/**
 * Asks the service at `url` to reindex with the bundle in `modelDir` and follows it
 * until the swap; returns the exit code (0 done, 1 failed).
 */
export async function runReindex(o: {
  readonly url: string;
  readonly modelDir: string;
  readonly token: string;
  readonly timeoutMs: number;
}): Promise<number> {
  const modelDir = resolve(o.modelDir);
  const base = o.url.replace(/\/+$/, "");
  const res = await fetch(`${base}/admin/reindex`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${o.token}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ modelDir }),
  });
  const body = await res.text();
  if (res.status !== 200) {
    say(`Cannot start reindex: HTTP ${res.status} ${body}`);
    return 1;
  }
  say(`Reindex with "${modelDir}" started`);
  return await follow(base, o.timeoutMs);
}

/** Polls /stats until the reindex is done or failed. */
async function follow(base: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    await new Promise((r) => setTimeout(r, 1000));
    const stats = await (await fetch(`${base}/stats`)).json();
    const state = stats?.swaps?.reindex;
    if (state?.state === "done") {
      const r = state.result;
      say(
        `Swapped to model ${r.modelVersion} (was ${r.previousVersion}): ${r.size} products, ${r.replayed.consumed} events replayed, ingestion paused ${r.pausedMs} ms, ${r.durationMs} ms in all`,
      );
      return 0;
    }
    if (state?.state === "failed") {
      say(`Reindex failed: ${state.error}`);
      return 1;
    }
    say(
      `… ${
        ((Date.now() - started) / 1000).toFixed(0)
      } s, serving model ${stats?.model?.version}, index ${stats?.indexed} products`,
    );
  }
  say(`Gave up after ${timeoutMs / 1000} s; the service may still finish`);
  return 1;
}

if (import.meta.main) Deno.exit(await main());
