/**
 * Ingest stage: product events from Kafka.
 *
 * - Input: a Kafka topic (key = product id, value = JSON event or null tombstone).
 * - Output: {@linkcode KafkaSource}, an async iterable of raw `SourceMessage`s (types.ts)
 *   in partition order, pulled on demand through a bounded buffer; the pipeline turns
 *   them into `ProductEvent`s with {@linkcode parseEvent} and sends bad ones to a
 *   {@linkcode DeadLetterSink}.
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
export { routeProcessWarnings } from "./_kafka_log.ts";
export { ensureTopic } from "./ensure_topic.ts";
export { parseEvent } from "./parse_event.ts";
export type { SourceStatus } from "./event_source.ts";
export type { PartitionLag } from "./event_source.ts";
export { DEFAULT_PARSE_LIMITS, type ParseLimits } from "./parse_limits.ts";
export { createKafkaSource, type KafkaSource } from "./kafka_source.ts";
export {
  createKafkaDeadLetterSink,
  type DeadLetterSink,
} from "./dead_letter_sink.ts";
export { readTopicToEnd } from "./read_topic.ts";
export {
  createKafkaPublisher,
  type KafkaPublisher,
} from "./kafka_publisher.ts";
export { LogReader, type LogState } from "./log_state.ts";
