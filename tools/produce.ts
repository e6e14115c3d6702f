/**
 * `deno task produce FILE.jsonl [--rate N] [--topic T] [--brokers B] [--partitions N]`
 * publishes one product event per line (key = its `id`), after checking every line:
 * a line that is not a JSON object with a non-empty string `id` is reported with its
 * line number and nothing is sent. `--delete ID…` publishes tombstones (null values).
 * Brokers default to `KAFKA_BROKERS`, then `127.0.0.1:9092`. A missing topic is created
 * compacted with `--partitions` (default 2).
 * @module
 */
import { type Flag, parseCommand } from "../cli_flags.ts";
import { LOCAL_BROKER, OPTIONS } from "../config.ts";
import { boolean, positive } from "../config_options.ts";
import {
  createKafkaPublisher,
  ensureTopic,
  type KafkaPublisher,
  routeProcessWarnings,
} from "../ingest/mod.ts";
import { createJsonLogger, type Logger } from "../log.ts";

/** One message to publish. */
export interface Outgoing {
  readonly key: string;
  readonly value: string | null;
  /** 1-based source line, 0 for deletes. */
  readonly line: number;
}

/** A line that cannot be published. */
export interface LineError {
  readonly line: number;
  readonly message: string;
}

/** Checks one line; blank lines give null. */
export function lineToMessage(
  text: string | null,
  line: number,
): Outgoing | LineError | null {
  if (text === null) return { line, message: "not valid UTF-8" };
  if (text.trim() === "") return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { line, message: `invalid JSON: ${(err as Error).message}` };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { line, message: "not a JSON object" };
  }
  const id = (parsed as { id?: unknown }).id;
  if (typeof id !== "string" || id === "") {
    return { line, message: `"id" must be a non-empty string` };
  }
  return { key: id, value: text, line };
}

/** Lines of a file, streamed; a line that is not valid UTF-8 comes as null. */
export async function* readLines(path: string): AsyncGenerator<string | null> {
  using file = await Deno.open(path);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const decode = (bytes: Uint8Array) => {
    try {
      return decoder.decode(bytes);
    } catch {
      return null; // reported by the caller with its line number
    }
  };
  let pending = new Uint8Array(0);
  for await (const chunk of file.readable) {
    const buf = new Uint8Array(pending.length + chunk.length);
    buf.set(pending);
    buf.set(chunk, pending.length);
    let start = 0;
    for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10, start)) {
      yield decode(buf.subarray(start, nl));
      start = nl + 1;
    }
    pending = buf.slice(start);
  }
  if (pending.length > 0) yield decode(pending);
}

/** First pass: counts publishable lines and collects every bad one. */
export async function checkFile(
  path: string,
): Promise<{ count: number; errors: LineError[] }> {
  let count = 0;
  const errors: LineError[] = [];
  let line = 0;
  for await (const text of readLines(path)) {
    const r = lineToMessage(text, ++line);
    if (r === null) continue;
    if ("message" in r) errors.push(r);
    else count++;
  }
  return { count, errors };
}

/** Options of {@linkcode publish}. */
export interface PublishOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  /** Messages per second; unlimited when absent. */
  readonly rate?: number;
  /** Partitions when the topic must be created. @default `KAFKA_PARTITIONS`'s default */
  readonly partitions?: number;
  readonly log: Logger;
  readonly onProgress?: (sent: number) => Promise<void> | void;
}

/** Publishes messages (acks=-1) in batches, paced to `rate`; returns how many went. */
export async function publish(
  messages: AsyncIterable<Outgoing> | Iterable<Outgoing>,
  options: PublishOptions,
): Promise<number> {
  await ensureTopic(options.brokers, {
    topic: options.topic,
    partitions: options.partitions ?? OPTIONS.kafka.partitions.default,
    compacted: true,
    log: options.log,
  });
  await using publisher = await createKafkaPublisher({
    brokers: options.brokers,
    topic: options.topic,
    clientId: "produce-tool",
    log: options.log,
  });
  return await sendPaced(publisher, messages, options);
}

async function sendPaced(
  publisher: KafkaPublisher,
  messages: AsyncIterable<Outgoing> | Iterable<Outgoing>,
  options: PublishOptions,
): Promise<number> {
  const rate = options.rate;
  const batchSize = rate
    ? Math.max(1, Math.min(200, Math.floor(rate / 10)))
    : 200;
  const started = performance.now();
  let batch: Outgoing[] = [];
  let sent = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    if (rate) {
      const due = started + ((sent + batch.length) * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    try {
      await publisher.send(batch);
    } catch (err) {
      const lines = batch.map((m) => m.line);
      throw new Error(
        `Cannot send lines ${lines[0]}..${
          lines.at(-1)
        } to "${options.topic}": ${(err as Error).message}`,
        { cause: err },
      );
    }
    sent += batch.length;
    batch = [];
    await options.onProgress?.(sent);
  };
  for await (const m of messages) {
    batch.push(m);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return sent;
}

async function* fileMessages(path: string): AsyncGenerator<Outgoing> {
  let line = 0;
  for await (const text of readLines(path)) {
    const r = lineToMessage(text, ++line);
    if (r !== null && !("message" in r)) yield r;
  }
}

/** Flags of `deno task produce`: where to publish is the service's Kafka options. */
const FLAGS = {
  rate: {
    option: positive({
      doc: "Messages per second",
      default: Infinity,
      shownDefault: "unlimited",
      max: 1_000_000,
    }),
    arg: "N",
  } satisfies Flag<number>,
  topic: { option: OPTIONS.kafka.topic, arg: "T" } satisfies Flag<string>,
  brokers: {
    option: OPTIONS.kafka.brokers,
    arg: "B",
    default: [LOCAL_BROKER],
    fromEnv: true,
  } satisfies Flag<readonly string[]>,
  partitions: {
    option: OPTIONS.kafka.partitions,
    arg: "N",
  } satisfies Flag<number>,
  delete: {
    option: boolean({
      doc: "The operands are product ids: publish their deletes (tombstones)",
      default: false,
    }),
    switch: true,
  } satisfies Flag<boolean>,
};

async function main(): Promise<number> {
  const { flags, operands } = parseCommand(
    {
      task: "produce",
      operands: "(FILE.jsonl | --delete ID…)",
      about:
        "Publishes one product event per line of FILE.jsonl (key = its id), or deletes.",
      flags: FLAGS,
    },
    Deno.args,
    (flags, operands) =>
      operands.length === 0
        ? [flags.delete ? "no ids to delete" : "no FILE given"]
        : !flags.delete && operands.length > 1
        ? ["give exactly one FILE"]
        : [],
  );
  const { brokers, topic, partitions } = flags;
  const rate = Number.isFinite(flags.rate) ? flags.rate : undefined;
  const log = createJsonLogger({ level: "warn" }).child({ stage: "produce" });
  routeProcessWarnings(log);
  const common = { brokers, topic, rate, partitions, log };
  if (flags.delete) {
    const deletes = operands.map((id) => ({
      key: id,
      value: null,
      line: 0,
    }));
    if (!(await anyReachable(brokers))) return await noBroker(brokers);
    const n = await publish(deletes, common);
    return await say(Deno.stdout, `Sent ${n} deletes to "${topic}"`, 0);
  }
  return await produceFile(operands[0] ?? "", common);
}

async function produceFile(
  path: string,
  common: Omit<PublishOptions, "onProgress">,
): Promise<number> {
  const { count, errors } = await checkFile(path);
  if (errors.length > 0) {
    const shown = errors.slice(0, 20).map((e) =>
      `  line ${e.line}: ${e.message}`
    );
    const more = errors.length > 20
      ? `\n  … and ${errors.length - 20} more`
      : "";
    return await say(
      Deno.stderr,
      `Cannot produce "${path}": ${errors.length} bad line(s), nothing sent:\n${
        shown.join("\n")
      }${more}`,
      1,
    );
  }
  if (!(await anyReachable(common.brokers))) {
    return await noBroker(common.brokers);
  }
  const started = performance.now();
  let last = 0;
  const n = await publish(fileMessages(path), {
    ...common,
    onProgress: async (sent) => {
      if (performance.now() - last < 1000 && sent < count) return;
      last = performance.now();
      const rate = Math.round(sent / ((last - started) / 1000));
      await say(Deno.stderr, `sent ${sent}/${count} (${rate}/s)`, 0);
    },
  });
  const secs = (performance.now() - started) / 1000;
  return await say(
    Deno.stdout,
    `Sent ${n} messages from "${path}" to "${common.topic}" in ${
      secs.toFixed(1)
    } s (${Math.round(n / secs)}/s)`,
    0,
  );
}

/** The one line said when no broker answers, with what to do. */
async function noBroker(brokers: readonly string[]): Promise<number> {
  return await say(
    Deno.stderr,
    `Error: Cannot reach Kafka at ${
      brokers.join(",")
    }: nothing listens there. Start the service first (deno task ingest runs the embedded broker; wait until curl localhost:8080/readyz says ready), or pass --brokers / KAFKA_BROKERS`,
    1,
  );
}

/** True when a TCP connection to at least one broker opens within 3 s. */
async function anyReachable(brokers: readonly string[]): Promise<boolean> {
  for (const broker of brokers) {
    const colon = broker.lastIndexOf(":");
    const hostname = broker.slice(0, colon).replace(/^\[|\]$/g, "");
    const port = Number(broker.slice(colon + 1));
    if (colon < 0 || !Number.isInteger(port)) continue;
    const connecting = Deno.connect({ hostname, port });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), 3000);
    });
    try {
      const conn = await Promise.race([connecting, timeout]);
      if (conn !== null) {
        conn.close();
        return true;
      }
      // A late connection is closed when it opens.
      connecting.then((c) => c.close(), () => {});
    } catch {
      // refused or unresolvable: try the next broker
    } finally {
      clearTimeout(timer);
    }
  }
  return false;
}

async function say(
  to: { write(p: Uint8Array): Promise<number> },
  line: string,
  code: number,
): Promise<number> {
  await to.write(new TextEncoder().encode(line + "\n"));
  return code;
}

if (import.meta.main) {
  try {
    Deno.exitCode = await main();
  } catch (err) {
    await say(
      Deno.stderr,
      `Error: ${err instanceof Error ? err.message : String(err)}`,
      1,
    );
    Deno.exitCode = 1;
  }
}
