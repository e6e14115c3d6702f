/**
 * A small producer facade for tools and tests: keyed messages to one topic, acks=-1,
 * Java-compatible (murmur2) key partitioning, kafkajs logs through our Logger.
 * @module
 */
import { Buffer } from "node:buffer";
import { Partitioners, type Producer } from "kafkajs";
import { SourceError } from "../errors.ts";
import { OPTIONS } from "../config.ts";
import type { Logger } from "../log.ts";
import { createKafkaClient } from "./_client.ts";

/** One message to publish; a null value is a tombstone. */
export interface OutgoingMessage {
  /** Message key (the product id); null for none. */
  readonly key: string | Uint8Array | null;
  /** Message value; null is a tombstone. */
  readonly value: string | Uint8Array | null;
  /** Headers, UTF-8. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Options of {@linkcode createKafkaPublisher}. */
export interface KafkaPublisherOptions {
  /** Bootstrap brokers, `host:port`. */
  readonly brokers: readonly string[];
  /** Topic every message goes to. */
  readonly topic: string;
  /** Client id reported to the brokers. @default `KAFKA_CLIENT_ID`'s default + "-publisher" */
  readonly clientId?: string;
  /** Where kafkajs logs go; none drops them. */
  readonly log?: Logger;
  /** Retries of one send (exponential backoff from 300 ms). @default 5 */
  readonly retries?: number;
}

/** Publishes to one topic; dispose to disconnect. */
export interface KafkaPublisher extends AsyncDisposable {
  /** Topic messages go to. */
  readonly topic: string;
  /**
   * Sends `messages` in one request; resolves once all in-sync replicas have them.
   * @throws {SourceError} when the cluster does not acknowledge them (retryable)
   */
  send(messages: readonly OutgoingMessage[]): Promise<void>;
}

/**
 * Connects a producer for `options.topic`.
 * @throws {SourceError} when the cluster cannot be reached (retryable)
 */
export async function createKafkaPublisher(
  options: KafkaPublisherOptions,
): Promise<KafkaPublisher> {
  const producer = createKafkaClient({
    brokers: options.brokers,
    clientId: options.clientId ?? `${OPTIONS.kafka.clientId.default}-publisher`,
    log: options.log,
    retries: options.retries,
  }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  try {
    await producer.connect();
  } catch (err) {
    throw new SourceError(
      `Cannot connect producer to ${options.brokers.join(",")}: ${
        errorText(err)
      }`,
      { cause: err, retryable: true },
    );
  }
  return new Publisher(producer, options.topic);
}

class Publisher implements KafkaPublisher {
  readonly topic: string;
  #producer: Producer;

  constructor(producer: Producer, topic: string) {
    this.#producer = producer;
    this.topic = topic;
  }

  async send(messages: readonly OutgoingMessage[]): Promise<void> {
    try {
      await this.#producer.send({
        topic: this.topic,
        acks: -1,
        messages: messages.map((m) => ({
          key: bytes(m.key),
          value: bytes(m.value),
          headers: m.headers ? { ...m.headers } : undefined,
        })),
      });
    } catch (err) {
      throw new SourceError(
        `Cannot send ${messages.length} message(s) to "${this.topic}": ${
          errorText(err)
        }`,
        { cause: err, retryable: true },
      );
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#producer.disconnect();
  }
}

function bytes(v: string | Uint8Array | null): Buffer | string | null {
  if (v === null || typeof v === "string") return v;
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
