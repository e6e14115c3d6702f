/**
 * Notices when kafkajs resets a partition's fetch position because it was out of range
 * (retention or `deleteRecords` removed the events the consumer was about to read, or
 * the log was truncated). kafkajs then goes on from the log start without any event or
 * error the client could see; the one trace is its log line, so the source's kafkajs
 * logger is wrapped to catch it. The line is still logged as before.
 * @module
 */
import type { LogFields, Logger } from "../log.ts";

/** kafkajs 2.2.4's message when it resets an out-of-range offset (consumerGroup.js). */
const RESET_MESSAGE = "Offset out of range, resetting to default offset";

/**
 * A logger that forwards everything to `log` and calls `onReset(partition)` when
 * kafkajs reports that it reset the fetch position of a partition of `topic`.
 */
export function watchOffsetResets(
  log: Logger,
  topic: string,
  onReset: (partition: number) => void,
): Logger {
  const check = (fields: LogFields | undefined) => {
    if (
      fields?.kafkaMessage === RESET_MESSAGE && fields.topic === topic &&
      typeof fields.partition === "number"
    ) onReset(fields.partition);
  };
  return {
    debug: (event, fields) => log.debug(event, fields),
    info: (event, fields) => log.info(event, fields),
    warn: (event, fields) => log.warn(event, fields),
    error: (event, fields) => {
      log.error(event, fields);
      if (event === "kafkajs") check(fields);
    },
    child: (fields) => watchOffsetResets(log.child(fields), topic, onReset),
  };
}
