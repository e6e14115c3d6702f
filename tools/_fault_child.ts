/**
 * The service as a child process (`deno run … main.ts`, configured by environment), for
 * fault trials that kill it with SIGKILL. Its log goes to a file in its data dir.
 * @module
 */
import { join } from "node:path";

/** A running service process. */
export interface ServiceChild {
  readonly url: string;
  readonly process: Deno.ChildProcess;
  /** Kills with SIGKILL and waits for the exit. */
  kill9(): Promise<void>;
  /** SIGTERM (graceful stop) and waits for the exit; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<Deno.CommandStatus>;
}

const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** Starts main.ts with `env` (PORT must be set) and waits until /healthz answers. */
export async function spawnService(
  env: Record<string, string>,
  options: { dataDir: string; logName: string; timeoutMs?: number },
): Promise<ServiceChild> {
  const open = (name: string) =>
    Deno.open(join(options.dataDir, name), {
      write: true,
      create: true,
      append: true,
    });
  const [out, err] = [
    await open(options.logName),
    await open(`${options.logName}.stderr`),
  ];
  const process = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--unstable-no-legacy-abort",
      "--allow-net",
      "--allow-read",
      `--allow-write=${options.dataDir}`,
      "--allow-env",
      "--allow-ffi",
      "--allow-sys",
      MAIN,
    ],
    env,
    clearEnv: false,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const copied = Promise.all([
    process.stdout.pipeTo(out.writable),
    process.stderr.pipeTo(err.writable),
  ]);
  const url = `http://127.0.0.1:${env["PORT"]}`;
  const exited = process.status;
  const child: ServiceChild = {
    url,
    process,
    kill9: async () => {
      try {
        process.kill("SIGKILL");
      } catch (err) {
        // Already exited: nothing to kill.
        if (!(err instanceof TypeError)) throw err;
      }
      await exited;
      await copied;
    },
    stop: async (graceMs = 30_000) => {
      process.kill("SIGTERM");
      const timer = setTimeout(() => process.kill("SIGKILL"), graceMs);
      const status = await exited;
      clearTimeout(timer);
      await copied;
      return status;
    },
  };
  try {
    await waitHttp(`${url}/healthz`, exited, options.timeoutMs ?? 60_000);
  } catch (err) {
    await child.kill9();
    throw err;
  }
  return child;
}

async function waitHttp(
  url: string,
  exited: Promise<Deno.CommandStatus>,
  timeoutMs: number,
): Promise<void> {
  let dead = false;
  exited.then(() => dead = true);
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (dead) throw new Error(`Service exited before answering ${url}`);
    try {
      const res = await fetch(url);
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Service did not answer ${url} within ${timeoutMs} ms`);
}
