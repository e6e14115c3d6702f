/**
 * An error that carries its HTTP status and a stable machine-readable code.
 * @module
 */

/** Status codes the app answers errors with. */
export type ErrorStatus = 400 | 401 | 404 | 405 | 409 | 413 | 500 | 503;

/** Thrown by handlers (and admin actions) to answer `{ error: { code, message } }`. */
export class HttpError extends Error {
  /** Always "HttpError". */
  override name = "HttpError";
  /** HTTP status of the response. */
  readonly status: ErrorStatus;
  /** Stable machine-readable code, e.g. `invalid_k`. */
  readonly code: string;

  /** An error answered as `status` with `{ error: { code, message } }`. */
  constructor(
    status: ErrorStatus,
    code: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.status = status;
    this.code = code;
  }
}

/** A 400 for a malformed request. */
export function badRequest(code: string, message: string): HttpError {
  return new HttpError(400, code, message);
}

/** The 503 answered while the searcher has no index. */
export function notReady(): HttpError {
  return new HttpError(503, "not_ready", "Index is not loaded yet");
}

/** Quotes a client-supplied value for an error message, cut to a readable length. */
export function quote(value: string, max = 40): string {
  // JSON.stringify escapes control characters and any surrogate half the cut leaves
  return JSON.stringify(
    value.length > max ? value.slice(0, max) + "…" : value,
  );
}
