/**
 * The embedded single-node Kafka broker (KRaft) for development and tests: Kafka's jars
 * from Maven Central, run by a Java child process (`embedded_broker_main.java`).
 *
 * - Input: a data directory and a port (0 picks a free one); the jars are fetched with
 *   Maven into `.kafka/jars` the first time.
 * - Output: a running {@linkcode EmbeddedBroker} (`brokers`, `exited`, `logFile`).
 * - On error: a `SourceError` (errors.ts) when java or Maven fail or the broker is not
 *   ready in time.
 * - On dispose (`await using`): the child process is stopped.
 * @module
 */
export { type EmbeddedBroker, startEmbeddedBroker } from "./embedded_broker.ts";
