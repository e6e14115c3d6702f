/**
 * Hostile and malformed product events for the end-to-end hostile-input test, each with
 * where it must end: the dead-letter topic with a reason (`dlq:<reason>`), the index
 * without its image (`title_only:<image skip reason>`), the index with its image
 * (`indexed`), or nowhere because a newer version is stored (`stale`).
 * @module
 */
import { Buffer } from "node:buffer";

function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

/** One hostile event. */
export interface HostileCase {
  readonly kind: string;
  /** Product id (also the message key unless `key` says otherwise). */
  readonly id: string;
  readonly key?: string | null;
  readonly value: string | Uint8Array | null;
  readonly expect: string;
}

function upsert(id: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    op: "upsert",
    id,
    title: `hostile ${id} tee`,
    ...extra,
  });
}

function withImage(id: string, bytes: Uint8Array): string {
  return upsert(id, { image: { base64: encodeBase64(bytes) } });
}

/** A PNG signature and IHDR declaring `w`×`h` pixels, and nothing else. */
function pngBomb(w: number, h: number): Uint8Array {
  const b = new Uint8Array(33);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
  b.set([0x49, 0x48, 0x44, 0x52], 12);
  const v = new DataView(b.buffer);
  v.setUint32(16, w);
  v.setUint32(20, h);
  b.set([8, 6, 0, 0, 0], 24);
  return b;
}

/** A 1×1 GIF with `frames` image descriptors. */
function manyFrameGif(frames: number): Uint8Array {
  const head = [0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0, 0, 0, 0];
  const frame = [0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0];
  const out = new Uint8Array(head.length + frames * frame.length + 1);
  out.set(head);
  for (let i = 0; i < frames; i++) {
    out.set(frame, head.length + i * frame.length);
  }
  out[out.length - 1] = 0x3b;
  return out;
}

/** Cases for the service that blocks private addresses (the default). */
export function defaultCases(
  jpeg: Uint8Array,
  loopbackUrl: string,
): HostileCase[] {
  const c = (
    kind: string,
    id: string,
    value: HostileCase["value"],
    expect: string,
    key?: string | null,
  ): HostileCase =>
    key === undefined
      ? { kind, id, value, expect }
      : { kind, id, key, value, expect };
  const invalidUtf8 = new Uint8Array([
    ...new TextEncoder().encode('{"op":"upsert","id":"h-utf8","title":"bad '),
    0xff,
    0xfe,
    0xc3,
    ...new TextEncoder().encode('"}'),
  ]);
  return [
    c("invalid JSON", "h-json", '{"op":"upsert","id":', "dlq:invalid_json"),
    c("JSON array, not an object", "h-array", "[1,2,3]", "dlq:not_object"),
    c("JSON string, not an object", "h-string", '"upsert"', "dlq:not_object"),
    c("empty value", "h-empty", "", "dlq:empty_value"),
    c(
      "missing op",
      "h-noop",
      JSON.stringify({ id: "h-noop", title: "x" }),
      "dlq:missing_op",
    ),
    c(
      "unknown op",
      "h-merge",
      JSON.stringify({ op: "merge", id: "h-merge", title: "x" }),
      "dlq:unknown_op",
    ),
    c(
      "missing id",
      "h-noid",
      JSON.stringify({ op: "upsert", title: "x" }),
      "dlq:missing_id",
    ),
    c(
      "id of wrong type",
      "h-idnum",
      JSON.stringify({ op: "upsert", id: 42, title: "x" }),
      "dlq:missing_id",
    ),
    c(
      "oversize id (300 bytes)",
      "h" + "x".repeat(299),
      upsert("h" + "x".repeat(299)),
      "dlq:id_too_long",
    ),
    c(
      "key differs from id",
      "h-key",
      upsert("h-other"),
      "dlq:key_mismatch",
      "h-key",
    ),
    c(
      "empty title",
      "h-notitle",
      JSON.stringify({ op: "upsert", id: "h-notitle", title: "" }),
      "dlq:missing_title",
    ),
    c(
      "title of wrong type",
      "h-titlenum",
      JSON.stringify({ op: "upsert", id: "h-titlenum", title: 5 }),
      "dlq:missing_title",
    ),
    c(
      "oversize title (5000 chars)",
      "h-longtitle",
      upsert("h-longtitle", { title: "a".repeat(5000) }),
      "dlq:title_too_long",
    ),
    c(
      "negative version",
      "h-vneg",
      upsert("h-vneg", { version: -1 }),
      "dlq:bad_version",
    ),
    c(
      "fractional version",
      "h-vfrac",
      upsert("h-vfrac", { version: 1.5 }),
      "dlq:bad_version",
    ),
    c(
      "attrs not an object",
      "h-attrs",
      upsert("h-attrs", { attrs: "red" }),
      "dlq:bad_attrs",
    ),
    c(
      "image of wrong type",
      "h-imgnum",
      upsert("h-imgnum", { image: 5 }),
      "dlq:bad_image_ref",
    ),
    c("invalid UTF-8 bytes", "h-utf8", invalidUtf8, "dlq:invalid_utf8"),
    c(
      "base64 that is not base64",
      "h-b64",
      upsert("h-b64", { image: { base64: "@@not base64!!" } }),
      "dlq:bad_image_ref",
    ),
    c(
      "huge base64 (700 KB, limit 200 KB)",
      "h-huge",
      withImage("h-huge", new Uint8Array(700_000).fill(7)),
      "title_only:too_large",
    ),
    c(
      "non-image bytes",
      "h-text",
      withImage(
        "h-text",
        new TextEncoder().encode("hello, not an image at all"),
      ),
      "title_only:unsupported_format",
    ),
    c(
      "truncated JPEG (first third: decoded as far as the data goes)",
      "h-trunc",
      withImage("h-trunc", jpeg.subarray(0, Math.floor(jpeg.length / 3))),
      "indexed",
    ),
    c(
      "JPEG cut inside its headers (first 100 bytes)",
      "h-cut",
      withImage("h-cut", jpeg.subarray(0, 100)),
      "title_only:decode_failed",
    ),
    c(
      "decompression bomb (PNG 100000×100000 header)",
      "h-bomb",
      withImage("h-bomb", pngBomb(100_000, 100_000)),
      "title_only:too_many_pixels",
    ),
    c(
      "GIF with 5000 frames",
      "h-gif",
      withImage("h-gif", manyFrameGif(5000)),
      "title_only:too_many_frames",
    ),
    c(
      "URL to loopback",
      "h-loop",
      upsert("h-loop", { image: { url: loopbackUrl } }),
      "title_only:blocked_address",
    ),
    c(
      "URL to localhost by name",
      "h-localhost",
      upsert("h-localhost", { image: { url: "http://localhost:1/x.png" } }),
      "title_only:blocked_address",
    ),
    c(
      "URL to a private address",
      "h-private",
      upsert("h-private", { image: { url: "http://10.1.2.3/x.png" } }),
      "title_only:blocked_address",
    ),
    c(
      "URL to link-local metadata",
      "h-linklocal",
      upsert("h-linklocal", {
        image: { url: "http://169.254.169.254/latest/meta-data" },
      }),
      "title_only:blocked_address",
    ),
    c(
      "file: URL",
      "h-file",
      upsert("h-file", { image: { url: "file:///etc/passwd" } }),
      "dlq:bad_image_ref",
    ),
    c(
      "path outside the image dir",
      "h-path",
      upsert("h-path", { image: { path: "../../../../etc/passwd" } }),
      "title_only:blocked_address",
    ),
  ];
}

/** Version-order cases: the first event of each pair lands, the second is stale. */
export function versionCases(): HostileCase[] {
  return [
    {
      kind: "upsert v5",
      id: "h-stale",
      value: upsert("h-stale", { version: 5, title: "hostile v5 tee" }),
      expect: "indexed",
    },
    {
      kind: "stale upsert v3 after v5",
      id: "h-stale",
      value: upsert("h-stale", { version: 3, title: "hostile v3 tee" }),
      expect: "stale",
    },
    {
      kind: "upsert v9",
      id: "h-order",
      value: upsert("h-order", { version: 9 }),
      expect: "indexed",
    },
    {
      kind: "out-of-order delete v2 after v9",
      id: "h-order",
      value: JSON.stringify({ op: "delete", id: "h-order", version: 2 }),
      expect: "stale",
    },
  ];
}

/** Cases for a service that may fetch from loopback (to reach the hostile server). */
export function allowedCases(base: string): HostileCase[] {
  const url = (
    id: string,
    path: string,
    expect: string,
    kind: string,
  ): HostileCase => ({
    kind,
    id,
    value: upsert(id, { image: { url: `${base}${path}` } }),
    expect,
  });
  return [
    url(
      "h-slow",
      "/slow",
      "title_only:timeout",
      "slow URL (1 byte per 200 ms)",
    ),
    url(
      "h-endless",
      "/endless",
      "title_only:too_large",
      "endless URL (infinite body)",
    ),
    url("h-redirect", "/redirect", "title_only:redirect_loop", "redirect loop"),
    url("h-404", "/missing", "title_only:not_found", "URL answering 404"),
    url("h-ok", "/ok.jpg", "indexed", "valid JPEG on an allowed loopback URL"),
  ];
}
