import assert from "node:assert/strict";
import { loadConfig } from "../config.ts";
import type { ImageSpec } from "../encode/mod.ts";
import { DEFAULT_PARSE_LIMITS } from "../ingest/mod.ts";
import { createMemoryLogger } from "../log.ts";
import type { SourceMessage } from "../types.ts";
import { EventInput, parseLimits } from "./event_input.ts";
import { ThumbnailStore } from "./thumbnails.ts";

function message(value: unknown): SourceMessage {
  return {
    topic: "products",
    partition: 0,
    offset: "0",
    key: null,
    value: new TextEncoder().encode(JSON.stringify(value)),
    headers: {},
    timestampMs: 0,
  };
}

Deno.test("parseLimits() gives parseEvent's defaults for the default image limit", () => {
  const images = loadConfig({}).images;
  assert.deepEqual(parseLimits(images), DEFAULT_PARSE_LIMITS);
});

Deno.test("EventInput.parse() uses limits that follow IMAGE_MAX_BYTES up, never down", () => {
  const event = (chars: number) =>
    message({
      op: "upsert",
      id: "p1",
      title: "Red dress",
      image: { base64: "A".repeat(chars) },
    });
  const input = (maxBytes: number) =>
    new EventInput(loadConfig({ IMAGE_MAX_BYTES: String(maxBytes) }).images, {
      thumbs: new ThumbnailStore("/nonexistent"),
      log: createMemoryLogger(),
    });
  const MiB = 1024 * 1024;
  // 20 MiB of image: 28 Mi characters of base64 and 30 MiB values (defaults 14 Mi, 16 MiB).
  const large = input(20 * MiB);
  assert.equal(large.parse(event(15 * MiB)).kind, "ok");
  assert.deepEqual(
    [
      parseLimits({ maxBytes: 20 * MiB }).maxImageBase64Chars,
      parseLimits({ maxBytes: 20 * MiB }).maxValueBytes,
    ],
    [28 * MiB, 30 * MiB],
  );
  // A small image limit keeps the default cap: the decoder refuses such an image
  // and the product is indexed from its title (hostile_e2e_test's "too_large").
  assert.equal(input(2048).parse(event(700_000)).kind, "ok");
  assert.deepEqual(parseLimits({ maxBytes: 2048 }), DEFAULT_PARSE_LIMITS);
});

Deno.test("EventInput.loadImage() skips an image over the configured byte limit", async () => {
  const images = loadConfig({ IMAGE_MAX_BYTES: "1024" }).images;
  const input = new EventInput(images, {
    thumbs: new ThumbnailStore("/nonexistent"),
    log: createMemoryLogger(),
  });
  const spec: ImageSpec = {
    width: 8,
    height: 8,
    layout: "NCHW",
    mean: [0, 0, 0],
    std: [1, 1, 1],
    resize: "area",
    background: [255, 255, 255],
  };
  const outcome = await input.loadImage(
    { base64: btoa("x".repeat(2000)) },
    spec,
  );
  assert.equal(outcome.kind, "skipped");
});
