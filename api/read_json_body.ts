/**
 * Reads a request body as JSON with a byte limit, without trusting Content-Length.
 * @module
 */

import { readBounded } from "../read_bounded.ts";
import { badRequest, HttpError } from "./http_error.ts";

/** Options of {@linkcode readJsonBody}. */
export interface ReadJsonBodyOptions {
  /** Largest body accepted, in bytes. */
  readonly maxBytes: number;
  /** Whether an empty body is allowed (it reads as `undefined`). @default false */
  readonly allowEmpty?: boolean;
}

/**
 * Parses the body of `request` as UTF-8 JSON.
 * @throws {HttpError} 413 past `maxBytes`; 400 on an empty body, invalid UTF-8 or invalid JSON
 */
export async function readJsonBody(
  request: Request,
  options: ReadJsonBodyOptions,
): Promise<unknown> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > options.maxBytes) {
    await request.body?.cancel();
    throw tooLarge(options.maxBytes);
  }
  const bytes = await readCapped(request.body, options.maxBytes);
  if (bytes.length === 0) {
    if (options.allowEmpty) return undefined;
    throw badRequest("empty_body", "Request body is empty: send JSON");
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    // fatal decoding throws a TypeError whose message adds nothing for the client
    throw badRequest("invalid_json", "Request body is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch (err: unknown) {
    const detail = err instanceof SyntaxError ? `: ${err.message}` : "";
    throw badRequest("invalid_json", `Request body is not valid JSON${detail}`);
  }
}

async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0);
  const bytes = await readBounded(body, maxBytes);
  if (bytes === undefined) throw tooLarge(maxBytes);
  return bytes;
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(
    413,
    "body_too_large",
    `Request body is too large: more than ${maxBytes} bytes`,
  );
}
