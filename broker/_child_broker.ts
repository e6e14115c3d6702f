/**
 * The java child process of an embedded broker: spawn, readiness probe, clean stop.
 * @module
 */
import { Kafka, logLevel } from "kafkajs";
import { SourceError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { delay, withTimeout } from "../delay.ts";

/** Files of one broker's data dir. */
export interface ConfigFiles {
  readonly server: string;
  readonly log4j: string;
  readonly logDir: string;
  readonly logFile: string;
}

/** Launcher that exits when our process goes away (see the file's comment). */
const MAIN_SOURCE =
  new URL("./embedded_broker_main.java", import.meta.url).pathname;

/** What the child needs from the broker options. */
export interface ChildOptions {
  readonly log: Logger;
  readonly signal?: AbortSignal;
  readonly heapMb?: number;
  readonly startTimeoutMs?: number;
  readonly stopTimeoutMs?: number;
}

/** JVM arguments: heap, log4j config, class path. */
export function jvmArgs(
  jarsDir: string,
  files: ConfigFiles,
  heapMb: number,
): string[] {
  return [
    `-Xmx${heapMb}m`,
    `-Xms${Math.min(heapMb, 256)}m`,
    "-XX:+UseG1GC",
    "-Djava.awt.headless=true",
    `-Dlog4j.configuration=file:${files.log4j}`,
    "-cp",
    `${jarsDir}/*`,
  ];
}

/** Raised when the java process exits before it accepted clients. */
export class ExitedEarly extends Error {
  override name = "ExitedEarly";
}

export class ChildBroker {
  /** Bootstrap addresses. */
  readonly brokers: string[];
  /** Settles when the process exits. */
  readonly exited: Promise<Deno.CommandStatus>;
  readonly logFile: string;
  readonly startedAt = performance.now();
  #child: Deno.ChildProcess;
  #pumps: Promise<unknown>;
  /** Held open, never written: the broker exits when it closes (see MAIN_SOURCE). */
  #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #stopTimeoutMs: number;
  #log: Logger;
  #stopping = false;

  private constructor(
    child: Deno.ChildProcess,
    files: ConfigFiles,
    port: number,
    options: ChildOptions,
  ) {
    this.#child = child;
    this.#stdin = child.stdin.getWriter();
    this.brokers = [`127.0.0.1:${port}`];
    this.logFile = files.logFile;
    this.#stopTimeoutMs = options.stopTimeoutMs ?? 20_000;
    this.#log = options.log;
    this.#pumps = Promise.all([
      pipeToFile(child.stdout, files.logFile),
      pipeToFile(child.stderr, files.logFile),
    ]);
    this.exited = child.status;
    this.exited.then((status) => {
      if (!this.#stopping) {
        this.#log.error("kafka_broker_exited", {
          code: status.code,
          signal: status.signal,
          logFile: this.logFile,
        });
      }
    });
  }

  static spawn(
    jarsDir: string,
    files: ConfigFiles,
    port: number,
    options: ChildOptions,
  ): ChildBroker {
    const child = new Deno.Command("java", {
      args: [
        ...jvmArgs(jarsDir, files, options.heapMb ?? 768),
        MAIN_SOURCE,
        files.server,
      ],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      // Its own process group: a Ctrl-C in the terminal reaches only us, and we stop the
      // broker after the consumer has left its group. It still exits with us (stdin).
      detached: true,
    }).spawn();
    return new ChildBroker(child, files, port, options);
  }

  /** Polls the cluster until it answers; fails if the child exits or time runs out. */
  async waitReady(options: ChildOptions): Promise<void> {
    const deadline = performance.now() + (options.startTimeoutMs ?? 60_000);
    let exited = false;
    this.exited.then(() => exited = true);
    let lastError: unknown;
    while (performance.now() < deadline) {
      options.signal?.throwIfAborted();
      if (exited) throw new ExitedEarly("The Kafka broker process exited");
      try {
        await probe(this.brokers);
        return;
      } catch (err) {
        lastError = err;
      }
      await delay(200, options.signal);
    }
    throw new SourceError(
      `Cannot start Kafka broker on ${this.brokers}: not ready after ${
        options.startTimeoutMs ?? 60_000
      } ms`,
      { cause: lastError },
    );
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.#stopping) {
      this.#stopping = true;
      const started = performance.now();
      await stopChild(this.#child, this.exited, this.#stopTimeoutMs, this.#log);
      this.#log.info("kafka_broker_stopped", {
        durationMs: Math.round(performance.now() - started),
      });
    }
    await this.exited;
    await this.#stdin.close().catch(() => {
      // The process is gone, so its stdin pipe may already be broken; nothing to do.
    });
    await this.#pumps;
  }
}

async function stopChild(
  child: Deno.ChildProcess,
  exited: Promise<Deno.CommandStatus>,
  timeoutMs: number,
  log: Logger,
): Promise<void> {
  if (!trySignal(child, "SIGTERM")) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), timeoutMs);
  });
  const late = await Promise.race([exited.then(() => false), timedOut]);
  clearTimeout(timer);
  if (late) {
    log.warn("kafka_broker_kill", { timeoutMs });
    trySignal(child, "SIGKILL");
  }
}

/** Sends a signal; false when the process has already exited. */
function trySignal(child: Deno.ChildProcess, signal: Deno.Signal): boolean {
  try {
    child.kill(signal);
    return true;
  } catch (err) {
    if (err instanceof TypeError) return false; // already exited
    throw err;
  }
}

/**
 * Ready = the port accepts TCP and the cluster answers a describe within 5 s. The TCP
 * check comes first so kafkajs only talks to a listening broker, and the time limit is
 * ours: a kafkajs call that never settles (seen once under heavy load) cannot stall
 * start-up.
 */
async function probe(brokers: string[]): Promise<void> {
  const [hostname, port] = (brokers[0] ?? "").split(":");
  const conn = await Deno.connect({ hostname, port: Number(port) });
  conn.close();
  const admin = new Kafka({
    clientId: "embedded-broker-probe",
    brokers,
    connectionTimeout: 1000,
    requestTimeout: 5000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await withTimeout(5000, async () => {
      await admin.connect();
      await admin.describeCluster();
    });
  } finally {
    await withTimeout(5000, () => admin.disconnect()).catch(() => {
      // A disconnect that hangs or fails leaves nothing we could still clean up.
    });
  }
}

async function pipeToFile(
  stream: ReadableStream<Uint8Array>,
  path: string,
): Promise<void> {
  const file = await Deno.open(path, { create: true, append: true });
  await stream.pipeTo(file.writable);
}
