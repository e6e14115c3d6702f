import assert from "node:assert/strict";
import { areaTaps, toImageTensor } from "./_resize.ts";
import type { ImageSpec } from "./bundle_manifest.ts";

function spec(
  width: number,
  height: number,
  extra: Partial<ImageSpec> = {},
): ImageSpec {
  return {
    width,
    height,
    layout: "NCHW",
    mean: [0, 0, 0],
    std: [1, 1, 1],
    resize: "area",
    background: [255, 255, 255],
    ...extra,
  };
}

/** RGBA from grey levels (opaque). */
function grey(width: number, height: number, levels: number[]) {
  const data = new Uint8Array(width * height * 4);
  levels.forEach((v, i) => data.set([v, v, v, 255], i * 4));
  return { width, height, data };
}

function assertClose(
  actual: ArrayLike<number>,
  expected: number[],
  eps = 1e-6,
) {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs((actual[i] ?? NaN) - (expected[i] ?? NaN)) <= eps,
      `index ${i}: ${actual[i]} != ${expected[i]}`,
    );
  }
}

Deno.test("areaTaps() weights of every box sum to 1", () => {
  for (
    const [src, dst] of [[10, 3], [3, 10], [224, 64], [7, 7], [1, 5]] as const
  ) {
    const taps = areaTaps(src, dst);
    for (let i = 0; i < dst; i++) {
      let sum = 0;
      for (let t = taps.offsets[i] ?? 0; t < (taps.offsets[i + 1] ?? 0); t++) {
        sum += taps.weights[t] ?? 0;
      }
      assert.ok(
        Math.abs(sum - 1) < 1e-6,
        `${src}→${dst} box ${i} sums to ${sum}`,
      );
    }
  }
});

Deno.test("toImageTensor() averages 2×2 blocks when halving", () => {
  const image = grey(4, 2, [0, 100, 200, 40, 20, 60, 100, 160]);
  const tensor = toImageTensor(image, spec(2, 1));
  const expected = [45, 125].map((v) => v / 255);
  assertClose(tensor.data, [...expected, ...expected, ...expected]);
});

Deno.test("toImageTensor() weighs partial pixels by their covered area", () => {
  const tensor = toImageTensor(grey(3, 1, [0, 90, 180]), spec(2, 1));
  // Box 0 covers [0, 1.5): 0 + 90 / 2; box 1 covers [1.5, 3): 90 / 2 + 180; each / 1.5.
  assertClose(tensor.data.subarray(0, 2), [30 / 255, 150 / 255], 1e-5);
});

Deno.test("toImageTensor() averages a checkerboard to grey, unlike nearest neighbour", () => {
  const tensor = toImageTensor(grey(2, 2, [0, 255, 255, 0]), spec(1, 1));
  assertClose(tensor.data, [0.5, 0.5, 0.5]);
});

Deno.test("toImageTensor() upscales a single pixel to a constant image", () => {
  const tensor = toImageTensor(grey(1, 1, [51]), spec(3, 2));
  assertClose(tensor.data, new Array(18).fill(0.2));
});

Deno.test("toImageTensor() composites alpha over the manifest background", () => {
  const data = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 255, 255, 0, 0, 51]);
  const tensor = toImageTensor(
    { width: 3, height: 1, data },
    spec(3, 1, { background: [0, 0, 255] }),
  );
  // Transparent → background; opaque → itself; alpha 0.2 → 0.2 red + 0.8 blue.
  assertClose(tensor.data, [0, 1, 0.2, 0, 0, 0, 1, 0, 0.8], 1e-6);
});

Deno.test("toImageTensor() normalises with mean and std into CHW planes", () => {
  const data = new Uint8Array([255, 0, 51, 255, 0, 255, 102, 255]);
  const tensor = toImageTensor(
    { width: 2, height: 1, data },
    spec(2, 1, { mean: [0.5, 0.5, 0.5], std: [0.25, 0.5, 0.2] }),
  );
  // R plane [255, 0], G plane [0, 255], B plane [51, 102].
  assertClose(tensor.data, [2, -2, -1, 1, -1.5, -0.5], 1e-5);
  assert.equal(tensor.width, 2);
  assert.equal(tensor.height, 1);
});
