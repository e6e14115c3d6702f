/**
 * Field checks of {@linkcode parseEvent}: text, image reference, attributes.
 * @module
 */
import type { AttrValue, ImageRef } from "../types.ts";
import type { ParseLimits } from "./parse_limits.ts";

/** A bad-event value. */
export interface Invalid {
  readonly kind: "bad";
  readonly reason: string;
  readonly detail: string;
}

/** A checked value or why it is bad. */
export type Checked<T> = { readonly kind: "ok"; readonly value: T } | Invalid;

const BASE64 = /^[A-Za-z0-9+/\-_]*={0,2}$/;

/** A non-empty, well-formed string of at most `max` characters, without NUL. */
export function checkText(
  raw: unknown,
  field: string,
  max: number,
): string | Invalid {
  if (typeof raw !== "string" || raw.trim() === "") {
    return bad(
      `missing_${field}`,
      `"${field}" is missing, empty or not a string`,
    );
  }
  if (raw.length > max) {
    return bad(
      `${field}_too_long`,
      `"${field}" has ${raw.length} characters, limit ${max}`,
    );
  }
  if (!raw.isWellFormed() || raw.includes("\u0000")) {
    return bad(
      `bad_${field}`,
      `"${field}" has NUL characters or lone surrogates`,
    );
  }
  return raw;
}

/** Exactly one of url (http/https), path, base64. */
export function checkImage(
  raw: unknown,
  lim: ParseLimits,
): Checked<ImageRef> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return bad(
      "bad_image_ref",
      `"image" must be an object with url, path or base64`,
    );
  }
  const entries = Object.entries(raw);
  const [entry] = entries;
  if (!entry || entries.length !== 1) {
    return bad(
      "bad_image_ref",
      `"image" must have exactly one of url, path, base64; has ${entries.length} fields`,
    );
  }
  const [kind, value] = entry;
  if (typeof value !== "string" || value === "") {
    return bad("bad_image_ref", `"image.${kind}" must be a non-empty string`);
  }
  switch (kind) {
    case "url":
      return checkUrl(value, lim.maxUrlChars);
    case "path":
      if (value.length > lim.maxPathChars || value.includes("\u0000")) {
        return bad("bad_image_ref", `"image.path" is too long or contains NUL`);
      }
      return { kind: "ok", value: { path: value } };
    case "base64":
      if (value.length > lim.maxImageBase64Chars) {
        return bad(
          "image_too_large",
          `"image.base64" has ${value.length} characters, limit ${lim.maxImageBase64Chars}`,
        );
      }
      if (!BASE64.test(value)) {
        return bad("bad_image_ref", `"image.base64" is not base64`);
      }
      return { kind: "ok", value: { base64: value } };
    default:
      return bad(
        "bad_image_ref",
        `"image.${kind.slice(0, 40)}" is not one of url, path, base64`,
      );
  }
}

function checkUrl(value: string, max: number): Checked<ImageRef> {
  if (value.length > max) {
    return bad(
      "bad_image_ref",
      `"image.url" has ${value.length} characters, limit ${max}`,
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return bad("bad_image_ref", `"image.url" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return bad(
      "bad_image_ref",
      `"image.url" scheme "${url.protocol.slice(0, 20)}" is not http or https`,
    );
  }
  return { kind: "ok", value: { url: value } };
}

/** A flat map of string, finite number or boolean values, within limits. */
export function checkAttrs(
  raw: unknown,
  lim: ParseLimits,
): Checked<Record<string, AttrValue>> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return bad("bad_attrs", `"attrs" must be an object`);
  }
  const entries = Object.entries(raw);
  if (entries.length > lim.maxAttrs) {
    return bad(
      "bad_attrs",
      `"attrs" has ${entries.length} entries, limit ${lim.maxAttrs}`,
    );
  }
  for (const [key, value] of entries) {
    const problem = attrProblem(key, value, lim);
    if (problem) return bad("bad_attrs", problem);
  }
  // fromEntries defines own properties, so a "__proto__" key stays a plain key.
  const value = Object.fromEntries(entries) as Record<string, AttrValue>;
  return { kind: "ok", value };
}

function attrProblem(
  key: string,
  value: unknown,
  lim: ParseLimits,
): string | null {
  const name = JSON.stringify(key.slice(0, 40));
  if (key === "" || key.length > lim.maxAttrKeyChars || !key.isWellFormed()) {
    return `attribute name ${name} is empty, too long or malformed`;
  }
  if (typeof value === "boolean") return null;
  if (typeof value === "number") {
    return Number.isFinite(value)
      ? null
      : `attribute ${name} is not a finite number`;
  }
  if (typeof value === "string") {
    return value.length <= lim.maxAttrValueChars && value.isWellFormed()
      ? null
      : `attribute ${name} value is too long or malformed`;
  }
  const type = value === null
    ? "null"
    : Array.isArray(value)
    ? "array"
    : typeof value;
  return `attribute ${name} is JSON ${type}, expected string, number or boolean`;
}

function bad(reason: string, detail: string): Invalid {
  return { kind: "bad", reason, detail };
}
