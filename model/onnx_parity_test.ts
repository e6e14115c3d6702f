import assert from "node:assert/strict";
import * as ort from "onnxruntime-web";
import { textFeatures } from "../encode/mod.ts";
import { createRng } from "./_kernels.ts";
import { initParams, type ModelParams } from "./architecture.ts";
import { writeBundle } from "./bundle.ts";
import { TINY_KEYWORDS, tinyConfig } from "./testing.ts";
import { readBundleParams } from "./read_bundle.ts";
import { checkParity } from "./train/parity.ts";
import {
  fusionForward,
  imageHeadForward,
  textTowerForward,
} from "./forward.ts";
import { imageFrontend } from "./image_frontend.ts";
import {
  exportFusion,
  exportImageTower,
  exportTextTower,
} from "./onnx_export.ts";
import { runOnnxWasm } from "./train/parity.ts";

ort.env.wasm.numThreads = 1;

function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    max = Math.max(max, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  }
  return max;
}

/** Parameters with non-trivial standardisation constants (like trained ones). */
function params(seed: number): ModelParams {
  const p = initParams(tinyConfig(16), seed);
  const rng = createRng(seed + 1);
  p.image.featMean.forEach((_, i) => (p.image.featMean[i] = rng() - 0.5));
  p.image.featInvStd.forEach((_, i) => (p.image.featInvStd[i] = 0.5 + rng()));
  return p;
}

const TEXTS = [
  "red dress",
  "Navy Blue RUNNING shoes size 42 (free shipping)",
  "",
  "zxqv",
];

Deno.test("exportTextTower() matches textTowerForward() in onnxruntime-web", async () => {
  const p = params(7);
  const spec = p.config.text;
  const ids = new Int32Array(TEXTS.length * spec.maxTokens);
  TEXTS.forEach((t, i) => ids.set(textFeatures(t, spec), i * spec.maxTokens));
  for (const tower of ["query", "title"] as const) {
    const out = await runOnnxWasm(exportTextTower(p, tower), {
      ids: new ort.Tensor("int32", ids, [TEXTS.length, spec.maxTokens]),
    });
    const ref = textTowerForward(p[tower], ids, TEXTS.length).out;
    assert.ok(maxDiff(out.embedding ?? new Float32Array(), ref) <= 1e-4);
  }
});

Deno.test("exportImageTower() and exportFusion() match the TypeScript forward", async () => {
  const p = params(11);
  const rng = createRng(3);
  const n = 3;
  const pixels = new Float32Array(n * 3 * 64 * 64).map(() => (rng() - 0.5) * 4);
  const out = await runOnnxWasm(exportImageTower(p), {
    pixels: new ort.Tensor("float32", pixels, [n, 3, 64, 64]),
  });
  const feats = new Float32Array(n * 944);
  for (let i = 0; i < n; i++) {
    feats.set(
      imageFrontend(
        pixels.subarray(i * 12288, (i + 1) * 12288),
        p.config.image,
      ),
      i * 944,
    );
  }
  const image = imageHeadForward(p.image, feats, n).out;
  const diffImage = maxDiff(out.embedding ?? new Float32Array(), image);
  assert.ok(diffImage <= 1e-4, `image diff ${diffImage}`);

  const title =
    textTowerForward(p.title, new Int32Array(n * 64).fill(5), n).out;
  const has = Float32Array.of(1, 0, 1);
  const fused = await runOnnxWasm(exportFusion(p), {
    title: new ort.Tensor("float32", title, [n, 16]),
    image: new ort.Tensor("float32", image, [n, 16]),
    has_image: new ort.Tensor("float32", has, [n, 1]),
  });
  const ref = fusionForward(p.fusion, title, image, has, n);
  assert.ok(maxDiff(fused.vector ?? new Float32Array(), ref.vector) <= 1e-4);
  assert.ok(maxDiff(fused.weights ?? new Float32Array(), ref.weights) <= 1e-6);
  assert.equal(fused.weights?.[3], 0);
  assert.equal(fused.weights?.[2], 1);
});

Deno.test("readBundleParams() reads back what writeBundle() wrote", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const p = params(13);
    await writeBundle(dir, p, {
      version: "t",
      keywords: TINY_KEYWORDS,
      alpha: 0.2,
    });
    const back = await readBundleParams(dir);
    assert.deepEqual(back.query.embed, p.query.embed);
    assert.deepEqual(back.title.skip.w, p.title.skip.w);
    assert.deepEqual(back.image.featInvStd, p.image.featInvStd);
    assert.deepEqual(back.fusion.l2.b, p.fusion.l2.b);
    assert.equal(back.config.imageHidden, p.config.imageHidden);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("model/default: onnxruntime-web matches the TypeScript forward (max abs diff <= 1e-4)", async () => {
  const dir = new URL("./default/", import.meta.url).pathname;
  const p = await readBundleParams(dir);
  const rng = createRng(21);
  const texts = [
    ...TEXTS,
    "womens red floral midi dress",
    "mens leather wallet black",
  ];
  const t = p.config.text.maxTokens;
  const ids = new Int32Array(texts.length * t);
  texts.forEach((text, i) => ids.set(textFeatures(text, p.config.text), i * t));
  const m = 4;
  const side = p.config.image.width;
  const pixels = new Float32Array(m * 3 * side * side).map(() =>
    (rng() - 0.5) * 4
  );
  const report = await checkParity(dir, p, {
    ids,
    pixels,
    hasImage: Float32Array.of(1, 0, 1, 1),
  });
  assert.ok(report.max <= 1e-4, JSON.stringify(report));
});
