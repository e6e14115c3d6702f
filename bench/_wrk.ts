/**
 * Runs wrk (Debian's `wrk` package) against a URL with a Lua script that cycles through
 * a list of queries, and parses its latency distribution and request rate.
 * @module
 */
import { join } from "node:path";

/** What one wrk run measured. */
export interface WrkResult {
  readonly connections: number;
  readonly seconds: number;
  readonly qps: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly errors: number;
}

/** Whether wrk can be run here. */
export async function wrkAvailable(): Promise<boolean> {
  try {
    const r = await new Deno.Command("wrk", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return r.code === 0 || r.code === 1; // wrk --version exits 1 after printing its usage
  } catch {
    return false;
  }
}

function luaScript(queries: readonly string[]): string {
  const list = queries.map((q) => JSON.stringify(encodeURIComponent(q))).join(
    ", ",
  );
  return `local qs = { ${list} }
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/search?k=10&q=" .. qs[(i % #qs) + 1])
end
`;
}

function ms(value: string, unit: string): number {
  const v = Number(value);
  return unit === "us" ? v / 1000 : unit === "s" ? v * 1000 : v;
}

/** Parses wrk's `--latency` report. */
export function parseWrk(
  text: string,
): Omit<WrkResult, "connections" | "seconds"> {
  const pct = (p: string) => {
    const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s)\\s*$`, "m").exec(
      text,
    );
    return m ? ms(m[1]!, m[2]!) : NaN;
  };
  const qps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? NaN);
  const requests = Number(/(\d+) requests in/.exec(text)?.[1] ?? NaN);
  const non2xx = Number(
    /Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0,
  );
  const socket =
    /Socket errors:.*?connect (\d+), read (\d+), write (\d+), timeout (\d+)/
      .exec(text);
  const socketErrors = socket
    ? socket.slice(1).reduce((s, v) => s + Number(v), 0)
    : 0;
  return {
    qps,
    p50Ms: pct("50"),
    p90Ms: pct("90"),
    p99Ms: pct("99"),
    requests,
    errors: non2xx + socketErrors,
  };
}

/** Runs wrk with one thread and `connections` connections for `seconds`. */
export async function runWrk(
  baseUrl: string,
  queries: readonly string[],
  options: { connections: number; seconds: number },
): Promise<WrkResult> {
  const dir = await Deno.makeTempDir({ prefix: "bench-wrk-" });
  try {
    const script = join(dir, "queries.lua");
    await Deno.writeTextFile(script, luaScript(queries));
    const args = [
      "-t1",
      `-c${options.connections}`,
      `-d${options.seconds}s`,
      "--latency",
      "-s",
      script,
      baseUrl,
    ];
    const out = await new Deno.Command("wrk", {
      args,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    if (!out.success) {
      throw new Error(
        `Cannot run wrk: ${new TextDecoder().decode(out.stderr)}`,
      );
    }
    return {
      connections: options.connections,
      seconds: options.seconds,
      ...parseWrk(text),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
