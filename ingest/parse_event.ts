/**
 * Turns a raw message into a `ProductEvent` or a typed "bad" value with a
 * stable snake_case reason (docs/EVENTS.md). Never throws on message content.
 * @module
 */
import type { ParseResult, SourceMessage } from "../types.ts";
import { checkAttrs, checkImage, checkText, type Invalid } from "./_checks.ts";
import { DEFAULT_PARSE_LIMITS, type ParseLimits } from "./parse_limits.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Parses one message: key = product id (optional when the value names it), value = JSON
 * event, null value = delete of the key.
 */
export function parseEvent(
  msg: SourceMessage,
  limits: Partial<ParseLimits> = {},
): ParseResult {
  const lim = { ...DEFAULT_PARSE_LIMITS, ...limits };
  const key = decodeKey(msg.key, lim);
  if (key.kind === "bad") return key;
  if (msg.value === null) {
    if (key.id === null) {
      return bad("missing_key", "tombstone (null value) without a key");
    }
    return { kind: "ok", event: { op: "delete", id: key.id } };
  }
  const body = decodeBody(msg.value, lim);
  if (body.kind === "bad") return body;
  const id = checkId(body.value.id, key.id, lim);
  if (typeof id !== "string") return id;
  return parseOp(body.value, id, lim);
}

function parseOp(
  obj: Record<string, unknown>,
  id: string,
  lim: ParseLimits,
): ParseResult {
  const version = checkVersion(obj.version);
  if (typeof version === "object") return version;
  if (obj.op === "delete") {
    return {
      kind: "ok",
      event: version === undefined
        ? { op: "delete", id }
        : { op: "delete", id, version },
    };
  }
  if (obj.op !== "upsert") {
    return obj.op === undefined ? bad("missing_op", `"op" is missing`) : bad(
      "unknown_op",
      `"op" is ${quote(obj.op)}, expected "upsert" or "delete"`,
    );
  }
  const title = checkText(obj.title, "title", lim.maxTitleChars);
  if (typeof title !== "string") return title;
  const image = obj.image === undefined
    ? undefined
    : checkImage(obj.image, lim);
  if (image?.kind === "bad") return image;
  const attrs = obj.attrs === undefined
    ? undefined
    : checkAttrs(obj.attrs, lim);
  if (attrs?.kind === "bad") return attrs;
  const event = {
    op: "upsert" as const,
    id,
    title,
    attrs: attrs?.value ?? {},
    ...(image ? { image: image.value } : {}),
    ...(version === undefined ? {} : { version }),
  };
  return { kind: "ok", event };
}

function decodeKey(
  key: Uint8Array | null,
  lim: ParseLimits,
): { kind: "ok"; id: string | null } | Invalid {
  if (key === null) return { kind: "ok", id: null };
  if (key.length === 0) return bad("missing_id", "key is empty");
  if (key.length > lim.maxIdBytes) {
    return bad(
      "id_too_long",
      `key has ${key.length} bytes, limit ${lim.maxIdBytes}`,
    );
  }
  let id: string;
  try {
    id = utf8.decode(key);
  } catch {
    return bad("invalid_utf8", "key is not valid UTF-8");
  }
  if (hasControl(id)) return bad("bad_id", "key contains control characters");
  return { kind: "ok", id };
}

function decodeBody(
  value: Uint8Array,
  lim: ParseLimits,
): { kind: "ok"; value: Record<string, unknown> } | Invalid {
  if (value.length === 0) return bad("empty_value", "value is empty (0 bytes)");
  if (value.length > lim.maxValueBytes) {
    return bad(
      "value_too_large",
      `value has ${value.length} bytes, limit ${lim.maxValueBytes}`,
    );
  }
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return bad("invalid_utf8", "value is not valid UTF-8");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    // JSON.parse throws SyntaxError, or RangeError on absurd nesting depth.
    return bad(
      "invalid_json",
      err instanceof Error ? err.message : String(err),
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return bad(
      "not_object",
      `value is JSON ${jsonType(parsed)}, expected an object`,
    );
  }
  return { kind: "ok", value: parsed as Record<string, unknown> };
}

function checkId(
  raw: unknown,
  keyId: string | null,
  lim: ParseLimits,
): string | Invalid {
  if (raw === undefined || raw === null || raw === "") {
    return bad("missing_id", `"id" is missing or empty`);
  }
  if (typeof raw !== "string") {
    return bad(
      "missing_id",
      `"id" is JSON ${jsonType(raw)}, expected a string`,
    );
  }
  const bytes = new TextEncoder().encode(raw).length;
  if (bytes > lim.maxIdBytes) {
    return bad(
      "id_too_long",
      `"id" has ${bytes} bytes, limit ${lim.maxIdBytes}`,
    );
  }
  if (!raw.isWellFormed() || hasControl(raw)) {
    return bad("bad_id", `"id" has control characters or lone surrogates`);
  }
  if (keyId !== null && keyId !== raw) {
    return bad(
      "key_mismatch",
      `key ${quote(keyId)} differs from "id" ${quote(raw)}`,
    );
  }
  return raw;
}

function checkVersion(raw: unknown): number | undefined | Invalid {
  if (raw === undefined) return undefined;
  if (typeof raw !== "number" || !Number.isSafeInteger(raw) || raw < 0) {
    return bad(
      "bad_version",
      `"version" is ${quote(raw)}, expected an integer from 0 to 2^53-1`,
    );
  }
  return raw;
}

/** C0 controls and DEL; ids never contain them. */
function hasControl(s: string): boolean {
  // deno-lint-ignore no-control-regex -- control characters are what we look for
  return /[\u0000-\u001f\u007f]/.test(s);
}

function bad(reason: string, detail: string): Invalid {
  return { kind: "bad", reason, detail };
}

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

function quote(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
