import assert from "node:assert/strict";
import { renderImage, SHAPE_IDS } from "./render.ts";
import { encodeBitmap } from "./encode_image.ts";
import { Image } from "imagescript";
import { PRODUCT_TYPES } from "./types_table.ts";

Deno.test("renderImage() has a silhouette for every product type", () => {
  for (const t of PRODUCT_TYPES) assert.ok(SHAPE_IDS.includes(t.id), t.id);
});

Deno.test("renderImage() paints the product colour and is deterministic", () => {
  const plan = {
    kind: "product" as const,
    typeId: "dress",
    rgb: [208, 28, 36] as const,
    pattern: "solid",
    seed: 42,
  };
  const a = renderImage(plan, 64);
  const b = renderImage(plan, 64);
  assert.deepEqual(a.data, b.data);
  let reddish = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    if (
      (a.data[i] ?? 0) > 150 && (a.data[i + 1] ?? 0) < 80 &&
      (a.data[i + 2] ?? 0) < 90
    ) reddish++;
  }
  assert.ok(reddish > 64 * 64 * 0.05, `reddish pixels ${reddish}`);
});

Deno.test("renderImage() rejects unknown types", () => {
  assert.throws(
    () =>
      renderImage({
        kind: "product",
        typeId: "spaceship",
        rgb: [0, 0, 0],
        pattern: "solid",
        seed: 1,
      }),
    RangeError,
  );
});

Deno.test("encodeBitmap() writes PNG, JPEG and GIF signatures", async () => {
  const bm = renderImage({
    kind: "box",
    typeId: "mug",
    rgb: [0, 0, 0],
    pattern: "solid",
    seed: 3,
  }, 32);
  const png = await encodeBitmap(bm, "png");
  const jpg = await encodeBitmap(bm, "jpeg");
  const gif = await encodeBitmap(bm, "gif");
  assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  assert.deepEqual([...jpg.subarray(0, 2)], [0xff, 0xd8]);
  assert.equal(new TextDecoder().decode(gif.subarray(0, 3)), "GIF");
});

Deno.test("encodeBitmap() PNG round-trips through a decoder", async () => {
  const bm = renderImage({
    kind: "product",
    typeId: "mug",
    rgb: [30, 80, 210],
    pattern: "striped",
    seed: 9,
  }, 48);
  const img = await Image.decode(await encodeBitmap(bm, "png"));
  assert.equal(img.width, 48);
  for (let i = 0; i < 48 * 48; i += 97) {
    const [r, g, b] = img.getRGBAAt(1 + (i % 48), 1 + Math.floor(i / 48));
    assert.deepEqual([r, g, b], [
      bm.data[i * 4],
      bm.data[i * 4 + 1],
      bm.data[i * 4 + 2],
    ]);
  }
});
