/**
 * Structured logging: one JSON object per line on stderr. The only module that
 * writes to the console.
 * @module
 */

/** Severity of a log line. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Fields attached to a log line; never put image bytes or vectors here. */
export type LogFields = Readonly<Record<string, unknown>>;

/** Injected logger; stages get a child with their `stage` field set. */
export interface Logger {
  /** Detail useful when debugging; off by default. */
  debug(event: string, fields?: LogFields): void;
  /** Normal operation worth recording. */
  info(event: string, fields?: LogFields): void;
  /** Something went wrong with one item; the service goes on. */
  warn(event: string, fields?: LogFields): void;
  /** Something went wrong that needs attention. */
  error(event: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

const LEVELS: Record<LogLevel, number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
};

/** Options of {@linkcode createJsonLogger}. */
export interface JsonLoggerOptions {
  /** Lowest level written. @default "info" */
  readonly level?: LogLevel;
  /** Where lines go. @default a writer to stderr */
  readonly write?: (line: string) => void;
  /** Clock, for tests. @default Date.now */
  readonly now?: () => number;
}

/** A logger writing JSON lines (`{"time","level","event",...fields}`). */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const min = LEVELS[options.level ?? "info"];
  // deno-lint-ignore no-console -- log.ts is the one module allowed to write to the console
  const write = options.write ?? ((line: string) => console.error(line));
  const now = options.now ?? Date.now;
  const make = (base: LogFields): Logger => {
    const emit = (level: LogLevel, event: string, fields?: LogFields) => {
      if (LEVELS[level] < min) return;
      const line = {
        time: new Date(now()).toISOString(),
        level,
        event,
        ...base,
        ...fields,
      };
      write(JSON.stringify(line, jsonSafe));
    };
    return {
      debug: (e, f) => emit("debug", e, f),
      info: (e, f) => emit("info", e, f),
      warn: (e, f) => emit("warn", e, f),
      error: (e, f) => emit("error", e, f),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make({});
}

/** A logger that keeps lines in memory, for tests. */
export function createMemoryLogger(): Logger & { readonly lines: LogFields[] } {
  const lines: LogFields[] = [];
  const logger = createJsonLogger({
    level: "debug",
    write: (line) => lines.push(JSON.parse(line) as LogFields),
  });
  return Object.assign(logger, { lines });
}

/** Errors become `{name, message, cause}`; bigints become strings. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, cause: value.cause };
  }
  if (typeof value === "bigint") return value.toString();
  return value;
}
