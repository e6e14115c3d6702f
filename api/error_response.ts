/**
 * The one place that turns errors into HTTP responses. Client mistakes keep their
 * 4xx status and message; anything unexpected becomes a 500 whose body holds only a
 * request id, with the details in the log.
 * @module
 */

import type { Context } from "hono";
import { ConflictError, PipelineError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { HttpError } from "./http_error.ts";

/** Per-request values the app keeps on the Hono context. */
export type AppEnv = { Variables: { requestId: string } };

/** The JSON body of every error response. */
export interface ErrorBody {
  /** What went wrong; `request_id` names the log line of an unexpected (500) or retryable (503) failure. */
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly request_id?: string;
  };
}

/** `{ error: { code, message, request_id? } }` for `err`. */
export function errorBody(err: HttpError, requestId?: string): ErrorBody {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(requestId ? { request_id: requestId } : {}),
    },
  };
}

/**
 * Maps `err` to a JSON response: HttpError → its status; a stage's ConflictError → 409
 * with its code; retryable PipelineError → 503; else 500.
 */
export function errorResponse(
  err: unknown,
  c: Context<AppEnv>,
  log: Logger,
): Response {
  const requestId = c.get("requestId");
  if (err instanceof HttpError) {
    if (err.status >= 500) {
      log.warn("request_unavailable", { requestId, code: err.code, err });
    }
    return c.json(errorBody(err), err.status);
  }
  if (err instanceof ConflictError) {
    return c.json(errorBody(new HttpError(409, err.code, err.message)), 409);
  }
  if (err instanceof PipelineError && err.retryable) {
    log.warn("request_unavailable", { requestId, err });
    const unavailable = new HttpError(
      503,
      "unavailable",
      "Service is temporarily unavailable",
    );
    return c.json(errorBody(unavailable, requestId), 503);
  }
  log.error("request_failed", {
    requestId,
    method: c.req.method,
    path: c.req.path,
    err,
    stack: err instanceof Error ? err.stack : undefined,
  });
  const internal = new HttpError(500, "internal", "Internal server error");
  return c.json(errorBody(internal, requestId), 500);
}
