/**
 * A single-node KRaft Apache Kafka broker run as a child `java` process, for
 * development, tests and `deno task ingest` without `KAFKA_BROKERS`.
 * @module
 */
import { SourceError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { DEFAULT_JARS_DIR, ensureKafkaJars } from "./_jars.ts";
import { delay } from "../delay.ts";
import { freePort } from "./_free_port.ts";
import { waitForPreviousBroker } from "./_previous_broker.ts";
import {
  ChildBroker,
  type ConfigFiles,
  ExitedEarly,
  jvmArgs,
} from "./_child_broker.ts";
import {
  log4jProperties,
  randomClusterId,
  serverProperties,
} from "./_server_properties.ts";

/** Options of {@linkcode startEmbeddedBroker}. */
export interface EmbeddedBrokerOptions {
  /** Holds `server.properties`, `broker.log` and the Kafka log dir `kraft/`. */
  readonly dataDir: string;
  /** Client port on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
  /** Controller port on 127.0.0.1. @default 0 (a free one) */
  readonly controllerPort?: number;
  /** Start/stop events; the broker's own log goes to `broker.log`. */
  readonly log: Logger;
  /** Aborts start-up (the child is stopped); it does not stop a running broker. */
  readonly signal?: AbortSignal;
  /** Jar cache. @default "<repo>/.kafka/jars" */
  readonly jarsDir?: string;
  /** JVM heap. @default 768 */
  readonly heapMb?: number;
  /** How long to wait for the broker to accept clients. @default 60000 */
  readonly startTimeoutMs?: number;
  /** How long SIGTERM may take before SIGKILL. @default 20000 */
  readonly stopTimeoutMs?: number;
}

/** A running embedded broker; dispose to stop it. */
export interface EmbeddedBroker extends AsyncDisposable {
  /** Bootstrap addresses, e.g. `["127.0.0.1:9092"]`. */
  readonly brokers: string[];
  /** Settles when the java process exits (for any reason). */
  readonly exited: Promise<Deno.CommandStatus>;
  /** File the broker's own log goes to. */
  readonly logFile: string;
}

/**
 * Starts a broker, formatting its storage on first use and fetching jars if missing.
 * Resolves once a client can describe the cluster.
 * @throws {SourceError} when java or Maven fail, or the broker is not ready in time
 */
export async function startEmbeddedBroker(
  options: EmbeddedBrokerOptions,
): Promise<EmbeddedBroker> {
  const jarsDir = options.jarsDir ?? DEFAULT_JARS_DIR;
  await ensureKafkaJars({ jarsDir, log: options.log, signal: options.signal });
  await Deno.mkdir(options.dataDir, { recursive: true });
  await waitForPreviousBroker({ ...options, port: options.port });
  const autoPorts = options.port === 0 || !options.controllerPort;
  for (let attempt = 1;; attempt++) {
    const port = options.port || freePort();
    const controllerPort = options.controllerPort || freePort();
    const files = await writeConfig(options.dataDir, port, controllerPort);
    await formatOnce(jarsDir, files, options);
    const child = ChildBroker.spawn(jarsDir, files, port, options);
    try {
      await child.waitReady(options);
      options.log.info("kafka_broker_ready", {
        brokers: child.brokers,
        dataDir: options.dataDir,
        durationMs: Math.round(performance.now() - child.startedAt),
      });
      return child;
    } catch (err) {
      await child[Symbol.asyncDispose]();
      // An early exit is usually a port or data-dir lock still held, e.g. by a broker
      // whose parent was killed and which is still shutting down: retry a few times.
      if (!(err instanceof ExitedEarly) || attempt >= 4) {
        throw await withLogTail(err, child.logFile);
      }
      if (!autoPorts) await delay(2000 * attempt, options.signal);
      options.log.warn("kafka_broker_retry", { attempt, port, controllerPort });
    }
  }
}

async function writeConfig(
  dataDir: string,
  port: number,
  controllerPort: number,
): Promise<ConfigFiles> {
  const dir = await Deno.realPath(dataDir);
  const files = {
    server: `${dir}/server.properties`,
    log4j: `${dir}/log4j.properties`,
    logDir: `${dir}/kraft`,
    logFile: `${dir}/broker.log`,
  };
  await Deno.writeTextFile(
    files.server,
    serverProperties({ port, controllerPort, logDir: files.logDir }),
  );
  await Deno.writeTextFile(files.log4j, log4jProperties(files.logFile));
  return files;
}

async function formatOnce(
  jarsDir: string,
  files: ConfigFiles,
  options: EmbeddedBrokerOptions,
): Promise<void> {
  try {
    await Deno.stat(`${files.logDir}/meta.properties`);
    return;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const clusterId = randomClusterId();
  const out = await new Deno.Command("java", {
    args: [
      ...jvmArgs(jarsDir, files, 256),
      "kafka.tools.StorageTool",
      "format",
      "-t",
      clusterId,
      "-c",
      files.server,
    ],
    stdout: "piped",
    stderr: "piped",
    signal: options.signal,
  }).output();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stdout) +
      new TextDecoder().decode(out.stderr);
    throw new SourceError(
      `Cannot format Kafka storage in "${files.logDir}": ${text.slice(-2000)}`,
    );
  }
  options.log.info("kafka_storage_formatted", {
    logDir: files.logDir,
    clusterId,
  });
}

async function withLogTail(err: unknown, logFile: string): Promise<unknown> {
  if (err instanceof SourceError) return err;
  if (err instanceof DOMException && err.name === "AbortError") return err;
  let tail = "";
  try {
    tail = (await Deno.readTextFile(logFile)).slice(-2000);
  } catch (readErr) {
    tail = `(cannot read "${logFile}": ${String(readErr)})`;
  }
  return new SourceError(`Cannot start Kafka broker: ${tail}`, { cause: err });
}
