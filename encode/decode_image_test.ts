import assert from "node:assert/strict";
import { decodeImage } from "./decode_image.ts";
import type { ImageResult } from "../types.ts";
import {
  type Decoder,
  imagescriptDecoder,
  mozJpegDecoder,
} from "./_decoders.ts";
import { DecodeError } from "../errors.ts";
import { readImageHeader } from "./_image_header.ts";
import type { ImageSpec } from "./bundle_manifest.ts";
import { deflateSync } from "node:zlib";
import { pngChunk } from "./png_chunk.ts";
import {
  makeGif,
  makeJpeg,
  makePng,
  makePngBombHeader,
} from "./_test_images.ts";

const SPEC: ImageSpec = {
  width: 2,
  height: 2,
  layout: "NCHW",
  mean: [0, 0, 0],
  std: [1, 1, 1],
  resize: "area",
  background: [255, 255, 255],
};

function tensorOf(result: ImageResult): Float32Array {
  assert.equal(result.kind, "ok", JSON.stringify(result));
  return result.kind === "ok" ? result.tensor.data : new Float32Array();
}

function assertNear(
  actual: ArrayLike<number>,
  expected: number[],
  eps: number,
) {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs((actual[i] ?? NaN) - (expected[i] ?? NaN));
    assert.ok(diff <= eps, `index ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

const planes = (r: number[], g: number[], b: number[]) =>
  [...r, ...g, ...b].map((v) => v / 255);

Deno.test("decodeImage() decodes an RGBA PNG to exact values", async () => {
  const png = makePng(2, 2, 6, [
    10,
    20,
    30,
    255,
    40,
    50,
    60,
    255,
    70,
    80,
    90,
    255,
    100,
    110,
    120,
    255,
  ]);
  const result = await decodeImage(png, SPEC);
  assert.equal(result.kind === "ok" && result.format, "png");
  assertNear(
    tensorOf(result),
    planes([10, 40, 70, 100], [20, 50, 80, 110], [30, 60, 90, 120]),
    1e-6,
  );
});

Deno.test("decodeImage() expands a greyscale PNG to three equal channels", async () => {
  const result = await decodeImage(makePng(2, 2, 0, [0, 51, 102, 255]), SPEC);
  const grey = [0, 51, 102, 255];
  assertNear(tensorOf(result), planes(grey, grey, grey), 1e-6);
});

Deno.test("decodeImage() composites a grey+alpha PNG over the background", async () => {
  const spec: ImageSpec = {
    ...SPEC,
    width: 1,
    height: 1,
    background: [255, 0, 0],
  };
  const result = await decodeImage(makePng(1, 1, 4, [0, 0]), spec);
  assertNear(tensorOf(result), [1, 0, 0], 1e-6);
});

Deno.test("decodeImage() decodes a palette PNG with transparency", async () => {
  const palette = [[255, 0, 0], [0, 0, 255]] as const;
  const png = makePng(2, 2, 3, [0, 1, 1, 0], {
    palette,
    transparency: [255, 0],
  });
  // Index 1 is fully transparent → white background.
  const result = await decodeImage(png, SPEC);
  assertNear(
    tensorOf(result),
    planes([255, 255, 255, 255], [0, 255, 255, 0], [0, 255, 255, 0]),
    1e-6,
  );
});

Deno.test("decodeImage() decodes a 16-bit RGB PNG", async () => {
  const png = makePng(1, 1, 2, [65535, 0, 0x3333], { depth: 16 });
  const result = await decodeImage(png, { ...SPEC, width: 1, height: 1 });
  assertNear(tensorOf(result), [1, 0, 0.2], 1 / 255);
});

Deno.test("decodeImage() decodes a JPEG with both decoders to nearly the same tensor", async () => {
  const jpeg = await makeJpeg(16, 16, [200, 40, 90]);
  const expected = planes([200, 200, 200, 200], [40, 40, 40, 40], [
    90,
    90,
    90,
    90,
  ]);
  for (const decoder of [mozJpegDecoder, imagescriptDecoder]) {
    const result = await decodeImage(jpeg, SPEC, { decoders: [decoder] });
    assert.equal(result.kind === "ok" && result.format, "jpeg");
    assertNear(tensorOf(result), expected, 4 / 255);
  }
});

Deno.test("decodeImage() uses the first GIF frame only", async () => {
  const gif = await makeGif(4, 4, 3, [[255, 0, 0], [0, 255, 0], [0, 0, 255]]);
  const result = await decodeImage(gif, SPEC);
  assert.equal(result.kind === "ok" && result.format, "gif");
  assertNear(
    tensorOf(result),
    planes([255, 255, 255, 255], [0, 0, 0, 0], [0, 0, 0, 0]),
    1e-6,
  );
});

Deno.test("decodeImage() refuses a decompression bomb before decoding", async () => {
  const result = await decodeImage(makePngBombHeader(100_000, 100_000), SPEC);
  assert.equal(result.kind, "skipped");
  assert.equal(result.kind === "skipped" && result.reason, "too_many_pixels");
  const small = await decodeImage(makePng(20, 20, 0, []), SPEC, {
    maxPixels: 399,
  });
  assert.equal(small.kind === "skipped" && small.reason, "too_many_pixels");
});

Deno.test("decodeImage() fails fast on a small PNG whose pixel data inflates far past its size", async () => {
  const png = makePng(10, 10, 2, []);
  const zeros = new Uint8Array(
    deflateSync(new Uint8Array(20_000_000), { level: 9 }),
  );
  const bomb = new Uint8Array([
    ...png.subarray(0, 33), // signature + IHDR
    ...pngChunk("IDAT", zeros),
    ...png.subarray(png.length - 12), // IEND
  ]);
  const result = await decodeImage(bomb, SPEC);
  assert.equal(result.kind === "skipped" && result.reason, "decode_failed");
});

Deno.test("decodeImage() refuses a GIF with too many frames", async () => {
  const gif = await makeGif(2, 2, 12, [[1, 2, 3]]);
  const result = await decodeImage(gif, SPEC, { maxFrames: 10 });
  assert.equal(result.kind === "skipped" && result.reason, "too_many_frames");
  assert.equal((await decodeImage(gif, SPEC, { maxFrames: 12 })).kind, "ok");
});

Deno.test("decodeImage() skips truncated, unknown and empty bytes with reasons", async () => {
  const jpeg = await makeJpeg(32, 32, [10, 10, 10]);
  const cases: [Uint8Array, string][] = [
    [jpeg.subarray(0, 300), "decode_failed"],
    [jpeg.subarray(0, 4), "decode_failed"],
    [
      new TextEncoder().encode("<html>not an image</html>"),
      "unsupported_format",
    ],
    [
      new Uint8Array([
        0x52,
        0x49,
        0x46,
        0x46,
        0,
        0,
        0,
        0,
        0x57,
        0x45,
        0x42,
        0x50,
      ]),
      "unsupported_format",
    ],
    [new Uint8Array(), "unsupported_format"],
    [makePng(2, 2, 6, []).subarray(0, 40), "decode_failed"],
    [makePngBombHeader(0, 5), "decode_failed"],
  ];
  for (const [bytes, reason] of cases) {
    const result = await decodeImage(bytes, SPEC);
    assert.equal(
      result.kind === "skipped" && result.reason,
      reason,
      JSON.stringify(result),
    );
  }
});

Deno.test("decodeImage() tries the next decoder, but a codec that cannot load throws", async () => {
  const png = makePng(1, 1, 2, [0, 0, 0]);
  const broken: Decoder = {
    name: "broken",
    formats: ["png"],
    decode: () => Promise.reject(new Error("corrupt")),
  };
  const ok = await decodeImage(png, SPEC, {
    decoders: [broken, imagescriptDecoder],
  });
  assert.equal(ok.kind, "ok");
  const failed = await decodeImage(png, SPEC, { decoders: [broken] });
  assert.equal(
    failed.kind === "skipped" && failed.detail,
    "png: broken: corrupt",
  );
  const unloadable: Decoder = {
    ...broken,
    decode: () => Promise.reject(new DecodeError("Cannot load codec")),
  };
  await assert.rejects(
    decodeImage(png, SPEC, { decoders: [unloadable, imagescriptDecoder] }),
    DecodeError,
  );
});

Deno.test("readImageHeader() reads declared sizes and counts GIF frames", async () => {
  const jpeg = readImageHeader(await makeJpeg(33, 17, [0, 0, 0]), 10);
  assert.deepEqual(
    jpeg.kind === "ok" && [jpeg.header.width, jpeg.header.height],
    [33, 17],
  );
  const png = readImageHeader(makePng(7, 5, 2, []), 10);
  assert.deepEqual(png.kind === "ok" && [png.header.width, png.header.height], [
    7,
    5,
  ]);
  const gif = readImageHeader(await makeGif(3, 2, 4, [[0, 0, 0]]), 10);
  assert.deepEqual(
    gif.kind === "ok" &&
      [gif.header.width, gif.header.height, gif.header.frames],
    [3, 2, 4],
  );
  const capped = readImageHeader(await makeGif(3, 2, 40, [[0, 0, 0]]), 5);
  assert.equal(capped.kind === "ok" && capped.header.frames, 6);
});
