/**
 * Ingest stage: product events from Kafka.
 *
 * - Input: a Kafka topic (key = product id, value = JSON event or null tombstone).
 * - Output: {@linkcode EventSource}, an async iterable of raw {@linkcode SourceMessage}s
 *   in partition order, pulled on demand through a bounded buffer; the pipeline turns
 *   them into {@linkcode ProductEvent}s with {@linkcode parseEvent} and sends bad ones to
 *   a {@linkcode DeadLetterSink}.
 * - Commits are manual (`commit(positions)` = everything up to and including these
 *   offsets is done), so delivery is at-least-once: after a crash or a rebalance,
 *   uncommitted messages are delivered again.
 * - On error: broker loss is retried with backoff and the source resumes by itself;
 *   a bad event is a value (`{ kind: "bad", reason }`), never an exception.
 * - On abort/dispose: the consumer leaves its group; buffered messages are dropped
 *   (they were not committed, so they will be redelivered).
 *
 * The embedded single-node Kafka broker used for dev and tests lives in `broker/`.
 * @module
 */
export type {
  MessagePosition,
  ProductDelete,
  ProductEvent,
  ProductUpsert,
  SourceMessage,
} from "../types.ts";
export type { Logger } from "../log.ts";
export {
  ensureTopic,
  type EnsureTopicOptions,
  type TopicInfo,
} from "./ensure_topic.ts";
export { routeProcessWarnings } from "./_kafka_log.ts";
export {
  DEFAULT_PARSE_LIMITS,
  parseEvent,
  type ParseLimits,
  type ParseResult,
} from "./parse_event.ts";
export type {
  ConnectionState,
  EventSource,
  PartitionLag,
  SourceStatus,
} from "./event_source.ts";
export {
  createKafkaSource,
  type KafkaSource,
  type KafkaSourceOptions,
} from "./kafka_source.ts";
export {
  createKafkaDeadLetterSink,
  type DeadLetterSink,
  DLQ_HEADERS,
  type KafkaDeadLetterSinkOptions,
} from "./dead_letter_sink.ts";
export { type ReadTopicOptions, readTopicToEnd } from "./read_topic.ts";
export {
  createKafkaPublisher,
  type KafkaPublisher,
  type KafkaPublisherOptions,
  type OutgoingMessage,
} from "./kafka_publisher.ts";
export { LogReader, type LogState, type PartitionRange } from "./log_state.ts";
