/**
 * Domain errors. Per-item outcomes (a bad event, an undecodable image) are values,
 * not exceptions; these are for failures a caller must handle or surface.
 * @module
 */

/** The pipeline stage an error belongs to. */
export type Stage =
  | "config"
  | "source"
  | "decode"
  | "encode"
  | "index"
  | "serve"
  | "pipeline";

/** Base class of all domain errors. */
export class PipelineError extends Error {
  /** Error class name. */
  override name = "PipelineError";
  /** The stage that failed. */
  readonly stage: Stage;
  /** Whether trying again later may succeed. */
  readonly retryable: boolean;

  /** Creates the error; pass `cause` when wrapping another error. */
  constructor(
    message: string,
    options: { stage: Stage; retryable?: boolean; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.stage = options.stage;
    this.retryable = options.retryable ?? false;
  }
}

/** Invalid configuration; lists every problem found. */
export class ConfigError extends PipelineError {
  /** Error class name. */
  override name = "ConfigError";
  /** Every problem found, one sentence each. */
  readonly problems: readonly string[];

  /** Creates the error; pass `cause` when wrapping another error. */
  constructor(problems: readonly string[]) {
    super(
      `Cannot start: invalid configuration:\n  - ${problems.join("\n  - ")}`,
      {
        stage: "config",
      },
    );
    this.problems = problems;
  }
}

/** The event source (Kafka) failed. */
export class SourceError extends PipelineError {
  /** Error class name. */
  override name = "SourceError";
  /** Creates the error; pass `cause` when wrapping another error. */
  constructor(
    message: string,
    options: { retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, { stage: "source", ...options });
  }
}

/** Decoding failed in a way that is not a per-image skip (e.g. a codec failed to load). */
export class DecodeError extends PipelineError {
  /** Error class name. */
  override name = "DecodeError";
  /** Creates the error; pass `cause` when wrapping another error. */
  constructor(
    message: string,
    options: { retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, { stage: "decode", ...options });
  }
}

/** The model bundle could not be loaded or an encoder failed. */
export class EncodeError extends PipelineError {
  /** Error class name. */
  override name = "EncodeError";
  /** Creates the error; pass `cause` when wrapping another error. */
  constructor(
    message: string,
    options: { retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, { stage: "encode", ...options });
  }
}

/** The vector index failed (bad snapshot, dimension mismatch, …). */
export class IndexError extends PipelineError {
  /** Error class name. */
  override name = "IndexError";
  /** Creates the error; pass `cause` when wrapping another error. */
  constructor(
    message: string,
    options: { retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, { stage: "index", ...options });
  }
}

/**
 * A request that conflicts with what the service is doing now (a model upgrade while
 * one runs, or before the consumer has caught up). The HTTP layer answers it 409 with
 * its `code`; trying again later may succeed.
 */
export class ConflictError extends PipelineError {
  /** Error class name. */
  override name = "ConflictError";
  /** Stable machine-readable code, e.g. `reindex_running`. */
  readonly code: string;

  /** Creates the error for `stage`, with a snake_case `code` and a sentence. */
  constructor(
    code: string,
    message: string,
    options: { stage: Stage; cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
  }
}
