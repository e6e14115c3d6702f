/**
 * Routes kafkajs log entries through our {@linkcode Logger} (kafkajs must never write
 * to the console).
 * @module
 */
import { type logCreator, logLevel } from "kafkajs";
import process from "node:process";
import type { Logger } from "../log.ts";

/** A kafkajs `logCreator` writing to `log` as `kafkajs` events. */
export function kafkaLogCreator(log: Logger): logCreator {
  return () => ({ namespace, level, log: entry }) => {
    const { message, timestamp: _t, logger: _l, ...rest } = entry;
    const fields = { namespace, kafkaMessage: message, ...rest };
    switch (level) {
      case logLevel.ERROR:
        log.error("kafkajs", fields);
        break;
      case logLevel.WARN:
        log.warn("kafkajs", fields);
        break;
      case logLevel.INFO:
        log.info("kafkajs", fields);
        break;
      default:
        log.debug("kafkajs", fields);
    }
  };
}

export { logLevel };

/**
 * Sends Node-style process warnings to `log` (debug level) instead of stderr. kafkajs
 * 2.2.4 sets a negative timeout on its connections, which makes Deno print a
 * `TimeoutNegativeWarning` (harmless: the timeout becomes 1 ms). Replaces the default
 * printing listener; call once from an entry point. Returns a function that restores it.
 */
export function routeProcessWarnings(log: Logger): () => void {
  const defaults = process.listeners("warning");
  process.removeAllListeners("warning");
  const onWarning = (warning: Error) =>
    log.debug("process_warning", {
      name: warning.name,
      message: warning.message,
    });
  process.on("warning", onWarning);
  return () => {
    process.off("warning", onWarning);
    for (const listener of defaults) process.on("warning", listener);
  };
}
