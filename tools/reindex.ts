/**
 * `deno task reindex --model DIR [--url URL] [--token T]`: live model upgrade of a
 * running service. Asks it (POST /admin/reindex) to build a shadow index with the bundle
 * in DIR from a replay of the topic while the old index serves, then to swap index and
 * query encoder together; prints progress from /stats until the swap is done.
 * The token defaults to `ADMIN_TOKEN`. Exit code: 0 done, 1 failed, 2 usage.
 * @module
 */
import { resolve } from "node:path";
import { parseCli } from "../cli.ts";

const USAGE =
  "Usage: deno task reindex --model DIR [--url http://127.0.0.1:8080] [--token T] [--timeout-s 1800]";

const encoder = new TextEncoder();

function say(line: string): void {
  Deno.stdout.writeSync(encoder.encode(line + "\n"));
}

async function main(): Promise<number> {
  const { values } = parseCli(USAGE, {
    args: Deno.args,
    options: {
      model: { type: "string" },
      url: { type: "string", default: "http://127.0.0.1:8080" },
      token: { type: "string" },
      "timeout-s": { type: "string", default: "1800" },
      help: { type: "boolean", short: "h" },
    },
  });
  const token = values.token ?? Deno.env.get("ADMIN_TOKEN") ?? "";
  const timeoutS = Number(values["timeout-s"]);
  if (values.help || !values.model || !token || !(timeoutS > 0)) {
    say(USAGE + (token ? "" : "\n(no --token and ADMIN_TOKEN is unset)"));
    return values.help ? 0 : 2;
  }
  return await runReindex({
    url: values.url,
    modelDir: values.model,
    token,
    timeoutMs: timeoutS * 1000,
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
