/**
 * kafkajs client construction shared by the source, the dead-letter sink and admin
 * helpers: logs through our Logger, bounded retries with backoff.
 * @module
 */
import { Kafka } from "kafkajs";
import type { Logger } from "../log.ts";
import { kafkaLogCreator, logLevel } from "./_kafka_log.ts";

/** Options of {@linkcode createKafkaClient}. */
export interface ClientOptions {
  /** Bootstrap brokers, `host:port`. */
  readonly brokers: readonly string[];
  /** Client id reported to the brokers. */
  readonly clientId: string;
  /** kafkajs logs go here; without one they are dropped. */
  readonly log?: Logger;
  /** TCP connect timeout. @default 3000 */
  readonly connectionTimeoutMs?: number;
  /** Timeout of one request. @default 30000 */
  readonly requestTimeoutMs?: number;
  /** Retries of one kafkajs operation (exponential backoff from 300 ms). @default 5 */
  readonly retries?: number;
}

/** A kafkajs client for `brokers`. */
export function createKafkaClient(options: ClientOptions): Kafka {
  if (options.brokers.length === 0) {
    throw new TypeError("Cannot create Kafka client: no brokers given");
  }
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    retry: {
      retries: options.retries ?? 5,
      initialRetryTime: 300,
      maxRetryTime: 10_000,
    },
    logLevel: options.log ? logLevel.INFO : logLevel.NOTHING,
    logCreator: options.log ? kafkaLogCreator(options.log) : undefined,
  });
}
