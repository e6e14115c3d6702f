/**
 * Which log a topic is right now: the cluster id, the topic id (an incarnation of the
 * topic: deleting and recreating it gives a new id) and each partition's log start and
 * end offsets. The service compares this with what its snapshot recorded.
 * @module
 */
import type { Admin } from "kafkajs";
import { SourceError } from "../errors.ts";
import { createKafkaClient } from "./_client.ts";
import { withTimeout } from "../delay.ts";
import { requestMetadata } from "./_metadata_request.ts";

/** Log start (`low`) and end (`high`) offsets of one partition. */
export interface PartitionRange {
  /** Partition number. */
  readonly partition: number;
  /** First offset still in the log. */
  readonly low: string;
  /** Next offset to be written (the log end). */
  readonly high: string;
}

/** A topic's log as the cluster describes it now. */
export interface LogState {
  /** Id of the Kafka cluster; null when the broker does not report one. */
  readonly clusterId: string | null;
  /** Topic name. */
  readonly topic: string;
  /** Kafka topic id (Kafka 2.8+); null when the broker predates topic ids. */
  readonly topicId: string | null;
  /** False when the topic does not exist (deleted); `partitions` is empty then. */
  readonly exists: boolean;
  /** Offsets of every partition. */
  readonly partitions: readonly PartitionRange[];
}

/** Reads {@linkcode LogState}s over one admin connection. */
export class LogReader implements AsyncDisposable {
  readonly #brokers: readonly string[];
  readonly #admin: Admin;
  readonly #timeoutMs: number;

  private constructor(
    brokers: readonly string[],
    admin: Admin,
    timeoutMs: number,
  ) {
    this.#brokers = brokers;
    this.#admin = admin;
    this.#timeoutMs = timeoutMs;
  }

  /** A reader for `brokers`; connects lazily. */
  static create(
    options: {
      brokers: readonly string[];
      clientId: string;
      timeoutMs?: number;
    },
  ): LogReader {
    const admin = createKafkaClient({
      brokers: options.brokers,
      clientId: `${options.clientId}-log`,
      retries: 1,
    }).admin();
    return new LogReader(options.brokers, admin, options.timeoutMs ?? 10_000);
  }

  /**
   * The log of `topic` now.
   * @throws {SourceError} (retryable) when no broker answers
   */
  async read(topic: string): Promise<LogState> {
    try {
      return await withTimeout(this.#timeoutMs, () => this.#read(topic));
    } catch (err) {
      throw new SourceError(
        `Cannot read the log identity of "${topic}": ${
          err instanceof Error ? err.message : String(err)
        }`,
        { cause: err, retryable: true },
      );
    }
  }

  /**
   * {@linkcode read}, retried every 250 ms for up to `timeoutMs` while the answer is
   * unclear (e.g. a topic just created whose leaders are being elected).
   * @throws {SourceError} (retryable) with the last failure after `timeoutMs`
   */
  async readSettled(topic: string, timeoutMs = 15_000): Promise<LogState> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await this.read(topic);
      } catch (err) {
        if (Date.now() >= deadline) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  async #read(topic: string): Promise<LogState> {
    const meta = await this.#metadata(topic);
    const entry = meta.topics.find((t) => t.name === topic);
    await this.#admin.connect(); // a no-op while connected
    const clusterId = meta.clusterId ??
      (await this.#admin.describeCluster()).clusterId;
    // 3 = UNKNOWN_TOPIC_OR_PARTITION: deleted (or not created yet).
    if (entry?.errorCode === 3) {
      return { clusterId, topic, topicId: null, exists: false, partitions: [] };
    }
    // Anything unclear (a leader moving, partitions being added) is not an answer: an
    // identity read wrongly would rebuild the index for nothing. The caller retries.
    if (meta.topicIds && (entry === undefined || entry.topicId === null)) {
      throw new Error(`no topic id in the metadata of "${topic}"`);
    }
    if (entry !== undefined && entry.errorCode !== 0) {
      throw new Error(`Kafka error code ${entry.errorCode} in the metadata`);
    }
    const watermarks = await this.#admin.fetchTopicOffsets(topic);
    const unclear = watermarks.find((w) =>
      BigInt(w.low) < 0n || BigInt(w.high) < BigInt(w.low)
    );
    if (unclear !== undefined) {
      throw new Error(
        `unclear offsets of partition ${unclear.partition}: ${unclear.low}..${unclear.high}`,
      );
    }
    return {
      clusterId,
      topic,
      topicId: entry?.topicId ?? null,
      exists: true,
      partitions: watermarks
        .map(({ partition, low, high }) => ({ partition, low, high }))
        .sort((a, b) => a.partition - b.partition),
    };
  }

  /** Metadata from the first bootstrap broker that answers. */
  async #metadata(topic: string) {
    let last: unknown;
    for (const broker of this.#brokers) {
      try {
        return await requestMetadata(broker, [topic], this.#timeoutMs);
      } catch (err) {
        last = err;
      }
    }
    throw last;
  }

  /** Disconnects the admin client (bounded to 10 s). */
  async [Symbol.asyncDispose](): Promise<void> {
    await withTimeout(10_000, () => this.#admin.disconnect()).catch(() => {
      // Only a metadata client: nothing more to release if its disconnect fails.
    });
  }
}
