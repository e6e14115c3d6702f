/**
 * Dead-letter topic writer: a bad event is republished with its original key and value
 * bytes and `dlq-*` headers saying why and where it came from. `send` resolves only
 * once all in-sync replicas have it (acks=-1), so the caller may then commit.
 * @module
 */
import { SourceError } from "../errors.ts";
import { OPTIONS } from "../config.ts";
import type { Logger } from "../log.ts";
import type { SourceMessage } from "../types.ts";
import {
  createKafkaPublisher,
  type KafkaPublisher,
} from "./kafka_publisher.ts";
import { ensureTopic } from "./ensure_topic.ts";

/** Where bad events go. */
export interface DeadLetterSink extends AsyncDisposable {
  /**
   * Publishes `msg` with its reason; resolves when durable.
   * @throws {SourceError} when the broker does not acknowledge it (retryable)
   */
  send(msg: SourceMessage, reason: string, detail: string): Promise<void>;
}

/** Options of {@linkcode createKafkaDeadLetterSink}. */
export interface KafkaDeadLetterSinkOptions {
  /** Bootstrap brokers, `host:port`. */
  readonly brokers: readonly string[];
  /** Dead-letter topic. @default `KAFKA_DLQ_TOPIC`'s default (config.ts) */
  readonly topic?: string;
  /** Client id reported to the brokers. @default `KAFKA_CLIENT_ID`'s default + "-dlq" */
  readonly clientId?: string;
  /** Logger for the sink and its kafkajs producer. */
  readonly log: Logger;
  /** Create the topic (not compacted) if missing. @default true */
  readonly createTopic?: boolean;
  /** Partitions when creating it. @default 1 */
  readonly partitions?: number;
  /** Longest `dlq-detail` header, characters. @default 1000 */
  readonly maxDetailChars?: number;
}

/** Header names written on every dead letter. */
export const DLQ_HEADERS: Readonly<{
  reason: string;
  detail: string;
  topic: string;
  partition: string;
  offset: string;
  timestamp: string;
}> = Object.freeze({
  reason: "dlq-reason",
  detail: "dlq-detail",
  topic: "dlq-source-topic",
  partition: "dlq-source-partition",
  offset: "dlq-source-offset",
  timestamp: "dlq-source-timestamp",
});

/**
 * Connects a producer for the dead-letter topic.
 * @throws {SourceError} when the cluster cannot be reached (retryable)
 */
export async function createKafkaDeadLetterSink(
  options: KafkaDeadLetterSinkOptions,
): Promise<DeadLetterSink> {
  const topic = options.topic ?? OPTIONS.kafka.dlqTopic.default;
  if (options.createTopic ?? true) {
    await ensureTopic(options.brokers, {
      topic,
      partitions: options.partitions ?? 1,
      compacted: false,
      log: options.log,
    });
  }
  const publisher = await createKafkaPublisher({
    brokers: options.brokers,
    topic,
    clientId: options.clientId ?? `${OPTIONS.kafka.clientId.default}-dlq`,
    log: options.log.child({ component: "kafkajs" }),
  });
  return new KafkaDeadLetterSink(publisher, options);
}

class KafkaDeadLetterSink implements DeadLetterSink {
  #publisher: KafkaPublisher;
  #maxDetail: number;
  #log: Logger;

  constructor(publisher: KafkaPublisher, options: KafkaDeadLetterSinkOptions) {
    this.#publisher = publisher;
    this.#maxDetail = options.maxDetailChars ?? 1000;
    this.#log = options.log;
  }

  async send(
    msg: SourceMessage,
    reason: string,
    detail: string,
  ): Promise<void> {
    const headers: Record<string, string> = {
      ...msg.headers,
      [DLQ_HEADERS.reason]: reason,
      [DLQ_HEADERS.detail]: detail.slice(0, this.#maxDetail),
      [DLQ_HEADERS.topic]: msg.topic,
      [DLQ_HEADERS.partition]: String(msg.partition),
      [DLQ_HEADERS.offset]: msg.offset,
      [DLQ_HEADERS.timestamp]: String(msg.timestampMs),
    };
    try {
      await this.#publisher.send([{ key: msg.key, value: msg.value, headers }]);
    } catch (err) {
      throw new SourceError(
        `Cannot write dead letter for ${msg.topic}/${msg.partition}@${msg.offset} to "${this.#publisher.topic}"`,
        { cause: err, retryable: true },
      );
    }
    this.#log.debug("dlq_sent", {
      topic: msg.topic,
      partition: msg.partition,
      offset: msg.offset,
      reason,
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#publisher[Symbol.asyncDispose]();
  }
}
