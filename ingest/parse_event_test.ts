import assert from "node:assert/strict";
import type { SourceMessage } from "../types.ts";
import { parseEvent } from "./mod.ts";

const enc = new TextEncoder();

function msg(
  key: string | Uint8Array | null,
  value: string | Uint8Array | null | object,
): SourceMessage {
  const bytes = (v: string | Uint8Array) =>
    typeof v === "string" ? enc.encode(v) : v;
  let val: Uint8Array | null = null;
  if (typeof value === "string" || value instanceof Uint8Array) {
    val = bytes(value);
  } else if (value !== null) val = enc.encode(JSON.stringify(value));
  return {
    topic: "products",
    partition: 0,
    offset: "7",
    key: key === null ? null : bytes(key),
    value: val,
    headers: {},
    timestampMs: 0,
  };
}

const upsert = { op: "upsert", id: "p1", title: "Red dress" };

Deno.test("parseEvent() accepts a full upsert", () => {
  const r = parseEvent(msg("p1", {
    ...upsert,
    image: { url: "https://cdn.example.com/a.jpg" },
    attrs: { colour: "red", price: 39.9, sale: true },
    version: 7,
    extra: "ignored for forward compatibility",
  }));
  assert.deepEqual(r, {
    kind: "ok",
    event: {
      op: "upsert",
      id: "p1",
      title: "Red dress",
      image: { url: "https://cdn.example.com/a.jpg" },
      attrs: { colour: "red", price: 39.9, sale: true },
      version: 7,
    },
  });
});

Deno.test("parseEvent() accepts a minimal upsert with empty attrs", () => {
  assert.deepEqual(parseEvent(msg("p1", upsert)), {
    kind: "ok",
    event: { op: "upsert", id: "p1", title: "Red dress", attrs: {} },
  });
});

Deno.test("parseEvent() takes the id from the value when there is no key", () => {
  const r = parseEvent(msg(null, upsert));
  assert.equal(r.kind === "ok" && r.event.id, "p1");
});

Deno.test("parseEvent() accepts path and base64 images", () => {
  const p = parseEvent(msg("p1", { ...upsert, image: { path: "img/a.png" } }));
  assert.deepEqual(
    p.kind === "ok" && p.event.op === "upsert" && p.event.image,
    {
      path: "img/a.png",
    },
  );
  const b = parseEvent(
    msg("p1", { ...upsert, image: { base64: "iVBORw0KGgo=" } }),
  );
  assert.deepEqual(
    b.kind === "ok" && b.event.op === "upsert" && b.event.image,
    {
      base64: "iVBORw0KGgo=",
    },
  );
});

Deno.test("parseEvent() turns deletes and tombstones into delete events", () => {
  assert.deepEqual(parseEvent(msg("p1", { op: "delete", id: "p1" })), {
    kind: "ok",
    event: { op: "delete", id: "p1" },
  });
  assert.deepEqual(
    parseEvent(msg("p1", { op: "delete", id: "p1", version: 3 })),
    {
      kind: "ok",
      event: { op: "delete", id: "p1", version: 3 },
    },
  );
  assert.deepEqual(parseEvent(msg("p1", null)), {
    kind: "ok",
    event: { op: "delete", id: "p1" },
  });
});

Deno.test("parseEvent() keeps a __proto__ attribute as a plain key", () => {
  const r = parseEvent(
    msg(
      "p1",
      `{"op":"upsert","id":"p1","title":"t","attrs":{"__proto__":"x"}}`,
    ),
  );
  assert.equal(r.kind, "ok");
  const attrs = r.kind === "ok" && r.event.op === "upsert" ? r.event.attrs : {};
  assert.equal(Object.getPrototypeOf(attrs), Object.prototype);
  assert.deepEqual(Object.keys(attrs), ["__proto__"]);
});

Deno.test("parseEvent() does not mistake attrs {kind: 'bad'} for a result", () => {
  const r = parseEvent(
    msg("p1", { ...upsert, attrs: { kind: "bad", reason: "x" } }),
  );
  assert.equal(r.kind, "ok");
});

const big = (n: number, ch = "a") => ch.repeat(n);

/** [name, key, value, expected reason] — each a hostile or malformed input kind. */
const BAD: [
  string,
  string | Uint8Array | null,
  string | Uint8Array | null | object,
  string,
][] = [
  ["invalid JSON", "p1", "{op:upsert", "invalid_json"],
  ["truncated JSON", "p1", '{"op":"upsert","id":"p1","ti', "invalid_json"],
  [
    "deeply nested JSON array",
    "p1",
    "[".repeat(200_000) + "]".repeat(200_000),
    "not_object",
  ],
  [
    "deeply nested attrs",
    "p1",
    `{"op":"upsert","id":"p1","title":"t","attrs":{"a":${
      "[".repeat(100_000) + "]".repeat(100_000)
    }}}`,
    "bad_attrs",
  ],
  ["empty value", "p1", "", "empty_value"],
  [
    "invalid UTF-8 value",
    "p1",
    new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
    "invalid_utf8",
  ],
  ["invalid UTF-8 key", new Uint8Array([0xc3, 0x28]), upsert, "invalid_utf8"],
  ["JSON array", "p1", [upsert], "not_object"],
  ["JSON string", "p1", '"hello"', "not_object"],
  ["JSON null", "p1", "null", "not_object"],
  ["JSON number", "p1", "42", "not_object"],
  ["missing op", "p1", { id: "p1", title: "t" }, "missing_op"],
  ["unknown op", "p1", { ...upsert, op: "merge" }, "unknown_op"],
  ["op wrong type", "p1", { ...upsert, op: 1 }, "unknown_op"],
  ["missing id", null, { op: "upsert", title: "t" }, "missing_id"],
  ["id wrong type", null, { ...upsert, id: 12 }, "missing_id"],
  ["empty key", "", upsert, "missing_id"],
  ["id too long", null, { ...upsert, id: big(300) }, "id_too_long"],
  ["key too long", big(300), { ...upsert, id: big(300) }, "id_too_long"],
  ["id with control characters", null, { ...upsert, id: "p\n1" }, "bad_id"],
  [
    "id with lone surrogate",
    null,
    `{"op":"upsert","id":"p\\ud800","title":"t"}`,
    "bad_id",
  ],
  ["key differs from id", "p2", upsert, "key_mismatch"],
  ["tombstone without key", null, null, "missing_key"],
  ["missing title", "p1", { op: "upsert", id: "p1" }, "missing_title"],
  ["blank title", "p1", { ...upsert, title: "   " }, "missing_title"],
  ["title wrong type", "p1", { ...upsert, title: ["a"] }, "missing_title"],
  ["title too long", "p1", { ...upsert, title: big(5000) }, "title_too_long"],
  ["title with NUL", "p1", { ...upsert, title: "a\u0000b" }, "bad_title"],
  [
    "image not an object",
    "p1",
    { ...upsert, image: "http://x/a.jpg" },
    "bad_image_ref",
  ],
  ["image with two sources", "p1", {
    ...upsert,
    image: { url: "http://x/a.jpg", path: "a" },
  }, "bad_image_ref"],
  ["image with no source", "p1", { ...upsert, image: {} }, "bad_image_ref"],
  [
    "image unknown source",
    "p1",
    { ...upsert, image: { s3: "bucket/a" } },
    "bad_image_ref",
  ],
  [
    "image url not a URL",
    "p1",
    { ...upsert, image: { url: "not a url" } },
    "bad_image_ref",
  ],
  ["image url file scheme", "p1", {
    ...upsert,
    image: { url: "file:///etc/passwd" },
  }, "bad_image_ref"],
  ["image url javascript scheme", "p1", {
    ...upsert,
    image: { url: "javascript:alert(1)" },
  }, "bad_image_ref"],
  ["image url too long", "p1", {
    ...upsert,
    image: { url: "http://x/" + big(5000) },
  }, "bad_image_ref"],
  [
    "image path with NUL",
    "p1",
    { ...upsert, image: { path: "a\u0000.jpg" } },
    "bad_image_ref",
  ],
  ["image base64 not base64", "p1", {
    ...upsert,
    image: { base64: "@@not base64!!" },
  }, "bad_image_ref"],
  [
    "image base64 wrong type",
    "p1",
    { ...upsert, image: { base64: 12 } },
    "bad_image_ref",
  ],
  ["huge base64 image", "p1", {
    ...upsert,
    image: { base64: big(15 * 1024 * 1024, "A") },
  }, "image_too_large"],
  ["attrs array", "p1", { ...upsert, attrs: ["red"] }, "bad_attrs"],
  ["attrs null", "p1", { ...upsert, attrs: null }, "bad_attrs"],
  [
    "attrs nested object",
    "p1",
    { ...upsert, attrs: { size: { eu: 38 } } },
    "bad_attrs",
  ],
  ["attrs null value", "p1", { ...upsert, attrs: { size: null } }, "bad_attrs"],
  ["attrs too many", "p1", {
    ...upsert,
    attrs: Object.fromEntries([...Array(100).keys()].map((i) => [`a${i}`, i])),
  }, "bad_attrs"],
  [
    "attrs key too long",
    "p1",
    { ...upsert, attrs: { [big(100)]: 1 } },
    "bad_attrs",
  ],
  ["attrs empty key", "p1", { ...upsert, attrs: { "": 1 } }, "bad_attrs"],
  [
    "attrs value too long",
    "p1",
    { ...upsert, attrs: { d: big(2000) } },
    "bad_attrs",
  ],
  ["version string", "p1", { ...upsert, version: "7" }, "bad_version"],
  ["version negative", "p1", { ...upsert, version: -1 }, "bad_version"],
  ["version fractional", "p1", { ...upsert, version: 1.5 }, "bad_version"],
  [
    "version beyond 2^53",
    "p1",
    `{"op":"upsert","id":"p1","title":"t","version":1e300}`,
    "bad_version",
  ],
  [
    "delete with bad version",
    "p1",
    { op: "delete", id: "p1", version: null },
    "bad_version",
  ],
  ["delete without id", "p1", { op: "delete" }, "missing_id"],
];

for (const [name, key, value, reason] of BAD) {
  Deno.test(`parseEvent() rejects ${name} as ${reason}`, () => {
    const r = parseEvent(msg(key, value));
    assert.equal(r.kind, "bad", JSON.stringify(r).slice(0, 200));
    assert.equal(r.kind === "bad" && r.reason, reason);
    assert.ok(r.kind === "bad" && r.detail.length > 0 && r.detail.length < 300);
  });
}

Deno.test("parseEvent() rejects a value over maxValueBytes", () => {
  const r = parseEvent(msg("p1", { ...upsert, title: big(900) }), {
    maxValueBytes: 100,
  });
  assert.equal(r.kind === "bad" && r.reason, "value_too_large");
});

Deno.test("parseEvent() applies custom limits", () => {
  const r = parseEvent(msg("p1", { ...upsert, title: "abcdef" }), {
    maxTitleChars: 5,
  });
  assert.equal(r.kind === "bad" && r.reason, "title_too_long");
  const ok = parseEvent(msg("p1", { ...upsert, title: "abcde" }), {
    maxTitleChars: 5,
  });
  assert.equal(ok.kind, "ok");
});
