/**
 * Before starting a broker: wait for the previous broker of the same data dir to be gone
 * (e.g. one whose parent was killed -9 and which is still shutting down), and refuse a
 * port that something else holds, instead of racing them.
 * @module
 */
import { SourceError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { delay } from "../delay.ts";

/** Options of {@linkcode waitForPreviousBroker}. */
export interface PreviousBrokerOptions {
  readonly dataDir: string;
  /** Client port; 0 skips the port check. */
  readonly port: number;
  readonly log: Logger;
  readonly signal?: AbortSignal;
  /** @default 30000 */
  readonly timeoutMs?: number;
}

/**
 * Resolves once no broker of `dataDir` runs and `port` is free.
 * @throws {SourceError} when either stays busy
 */
export async function waitForPreviousBroker(
  options: PreviousBrokerOptions,
): Promise<void> {
  const { dataDir, port, log, signal } = options;
  const pid = await previousPid(dataDir);
  if (pid !== null) {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    log.warn("kafka_broker_previous_running", { pid, dataDir });
    while (await isBroker(pid)) {
      if (Date.now() > deadline) {
        throw new SourceError(
          `Cannot start Kafka broker: data dir "${dataDir}" is in use by a running broker (pid ${pid})`,
        );
      }
      await delay(250, signal);
    }
  }
  if (port !== 0 && await accepts(port)) {
    throw new SourceError(
      `Cannot start Kafka broker: port ${port} on 127.0.0.1 is in use (another broker? ` +
        `point KAFKA_BROKERS at it, or choose another port)`,
    );
  }
}

async function previousPid(dataDir: string): Promise<string | null> {
  try {
    const pid = (await Deno.readTextFile(`${dataDir}/broker.pid`)).trim();
    return /^\d+$/.test(pid) && await isBroker(pid) ? pid : null;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

/** Whether `pid` runs our broker launcher (guards against pid reuse). */
async function isBroker(pid: string): Promise<boolean> {
  try {
    const cmdline = await Deno.readTextFile(`/proc/${pid}/cmdline`);
    return cmdline.includes("embedded_broker_main");
  } catch {
    return false; // no such process (or no /proc): nothing to wait for
  }
}

async function accepts(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return true;
  } catch {
    return false; // refused: the port is free
  }
}
