/**
 * Reading image bytes from a file under a base folder, or from base64 text,
 * never holding more than the byte limit.
 * @module
 */

import { isAbsolute, relative, resolve, sep } from "node:path";
import type { BytesResult } from "./_fetch_url.ts";

/** Reads `path` (relative to `baseDir`, which it must not escape) up to `maxBytes`. */
export async function readImageFile(
  path: string,
  baseDir: string,
  maxBytes: number,
): Promise<BytesResult> {
  const full = resolve(baseDir, path);
  let real: string;
  try {
    real = await Deno.realPath(full);
    const info = await Deno.stat(real);
    if (!info.isFile) {
      return skip("fetch_failed", `"${path}" is not a regular file`);
    }
    if (info.size > maxBytes) {
      return skip(
        "too_large",
        `"${path}" has ${info.size} bytes, limit ${maxBytes}`,
      );
    }
  } catch (err: unknown) {
    if (err instanceof Deno.errors.NotFound) {
      return skip("not_found", `no file "${path}"`);
    }
    return skip("fetch_failed", `cannot read "${path}": ${message(err)}`);
  }
  if (!isInside(real, await Deno.realPath(baseDir))) {
    return skip("blocked_address", `"${path}" is outside the image folder`);
  }
  try {
    return await readAtMost(real, path, maxBytes);
  } catch (err: unknown) {
    return skip("fetch_failed", `cannot read "${path}": ${message(err)}`);
  }
}

async function readAtMost(
  real: string,
  path: string,
  maxBytes: number,
): Promise<BytesResult> {
  using file = await Deno.open(real, { read: true });
  const info = await file.stat();
  const buffer = new Uint8Array(Math.min(info.size, maxBytes) + 1);
  let filled = 0;
  while (filled < buffer.length) {
    const n = await file.read(buffer.subarray(filled));
    if (n === null) break;
    filled += n;
  }
  if (filled > maxBytes) {
    return skip("too_large", `"${path}" grew past ${maxBytes} bytes`);
  }
  return { kind: "ok", bytes: buffer.subarray(0, filled) };
}

function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel !== "" && !rel.startsWith(".." + sep) && rel !== ".." &&
    !isAbsolute(rel);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DATA_URL = /^data:[^,]{0,200};base64,/;

/** Decodes standard base64 (optionally a `data:…;base64,` URL) of at most `maxBytes`. */
export function decodeBase64(text: string, maxBytes: number): BytesResult {
  let body = text.replace(DATA_URL, "");
  // Wrapped base64 carries some whitespace; this first check bounds the work below.
  if (body.length > Math.ceil(maxBytes / 3) * 4 * 1.05 + 16) {
    return skip(
      "too_large",
      `base64 of ${body.length} characters exceeds ${maxBytes} bytes`,
    );
  }
  body = body.replace(/\s+/g, "");
  const decodedLength = Math.floor(body.length * 3 / 4) -
    (body.match(/=+$/)?.[0].length ?? 0);
  if (decodedLength > maxBytes) {
    return skip(
      "too_large",
      `base64 decodes to ${decodedLength} bytes, limit ${maxBytes}`,
    );
  }
  if (body.length === 0 || body.length % 4 === 1 || !BASE64.test(body)) {
    return skip("bad_base64", "not valid base64");
  }
  const binary = atob(body.padEnd(Math.ceil(body.length / 4) * 4, "="));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return { kind: "ok", bytes };
}

function skip(
  reason:
    | "not_found"
    | "fetch_failed"
    | "too_large"
    | "blocked_address"
    | "bad_base64",
  detail: string,
): BytesResult {
  return { kind: "skipped", reason, detail };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
