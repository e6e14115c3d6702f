import assert from "node:assert/strict";
import { Image } from "imagescript";
import { decodeImage } from "./decode_image.ts";
import { DEFAULT_THUMBNAIL, makeThumbnail } from "./thumbnail.ts";
import type { ImageSpec } from "./bundle_manifest.ts";
import { makePng } from "./_test_images.ts";

const SPEC: ImageSpec = {
  width: 4,
  height: 4,
  layout: "NCHW",
  mean: [0, 0, 0],
  std: [1, 1, 1],
  resize: "area",
  background: [255, 255, 255],
};

/** RGB of one pixel of `image`. */
function rgb(image: Image, x: number, y: number): number[] {
  return [...Image.colorToRGBA(image.getPixelAt(x, y))].slice(0, 3).map((v) =>
    v ?? NaN
  );
}

/** A `width` × `height` RGBA image: left half red, right half transparent. */
function halfRed(width: number, height: number) {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      if (x < width / 2) data.set([220, 20, 30, 255], o);
    }
  }
  return { width, height, data };
}

Deno.test("makeThumbnail() fits the longest side, keeps the aspect and composites on white", async () => {
  const jpeg = await makeThumbnail(halfRed(800, 400), DEFAULT_THUMBNAIL);
  assert.ok(jpeg !== null);
  assert.ok(jpeg.length <= DEFAULT_THUMBNAIL.maxBytes);
  const back = await Image.decode(jpeg);
  assert.equal(back.width, 192);
  assert.equal(back.height, 96);
  const [lr = 0, lg = 255, lb = 255] = rgb(back, 20, 48);
  const [rr = 0, rg = 0, rb = 0] = rgb(back, 170, 48);
  assert.ok(lr > 180 && lg < 70 && lb < 70, `left ${lr},${lg},${lb}`);
  assert.ok(rr > 230 && rg > 230 && rb > 230, `right ${rr},${rg},${rb}`);
});

Deno.test("makeThumbnail() keeps a small image's size and gives null when no quality fits", async () => {
  const small = await makeThumbnail(halfRed(40, 30), DEFAULT_THUMBNAIL);
  assert.ok(small !== null);
  const back = await Image.decode(small);
  assert.deepEqual([back.width, back.height], [40, 30]);
  assert.equal(
    await makeThumbnail(halfRed(400, 400), { maxSide: 192, maxBytes: 64 }),
    null,
  );
  await assert.rejects(
    () => makeThumbnail(halfRed(4, 4), { maxSide: 0, maxBytes: 10 }),
    RangeError,
  );
});

Deno.test("decodeImage() makes a thumbnail of the decoded pixels only when asked", async () => {
  const png = makePng(2, 2, 2, [255, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0]);
  const plain = await decodeImage(png, SPEC);
  assert.equal(plain.kind, "ok");
  assert.equal(plain.kind === "ok" ? plain.thumbnail : "?", undefined);
  const withThumb = await decodeImage(png, SPEC, {
    thumbnail: DEFAULT_THUMBNAIL,
  });
  assert.equal(withThumb.kind, "ok");
  const bytes = withThumb.kind === "ok" ? withThumb.thumbnail : undefined;
  assert.ok(bytes !== undefined);
  assert.deepEqual([...bytes.subarray(0, 2)], [0xff, 0xd8]); // JPEG SOI
  const back = await Image.decode(bytes);
  const [r = 0, g = 255, b = 255] = rgb(back, 1, 1);
  assert.ok(r > 200 && g < 60 && b < 60, `${r},${g},${b}`);
});
