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

Deno.test("EventInput.parse() uses limits that follow IMAGE_MAX_BYTES", () => {
  const images = loadConfig({ IMAGE_MAX_BYTES: "2048" }).images;
  const input = new EventInput(images, {
    thumbs: new ThumbnailStore("/nonexistent"),
    log: createMemoryLogger(),
  });
  const event = (chars: number) =>
    message({
      op: "upsert",
      id: "p1",
      title: "Red dress",
      image: { base64: "A".repeat(chars) },
    });
  // 2048 bytes of image: 2868 characters of base64 pass, more are dead-lettered.
  assert.equal(input.parse(event(2868)).kind, "ok");
  const big = input.parse(event(2872));
  assert.equal(big.kind, "bad");
  assert.match(big.kind === "bad" ? big.detail : "", /limit 2868/);
  // Above parseEvent's default of 14 Mi characters once the configured limit allows it.
  const large = new EventInput(
    loadConfig({ IMAGE_MAX_BYTES: String(20 * 1024 * 1024) }).images,
    { thumbs: new ThumbnailStore("/nonexistent"), log: createMemoryLogger() },
  );
  assert.equal(large.parse(event(15 * 1024 * 1024)).kind, "ok");
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
