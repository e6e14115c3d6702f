import assert from "node:assert/strict";
import { createRng } from "../_kernels.ts";
import { initParams } from "../architecture.ts";
import { tinyConfig } from "../testing.ts";
import {
  fusionForward,
  imageHeadForward,
  textTowerForward,
} from "../forward.ts";
import { FRONTEND_SIZE } from "../image_frontend.ts";
import {
  fusionBackward,
  imageHeadBackward,
  textTowerBackward,
  zeroGrads,
} from "./backward.ts";
import { infoNce } from "./loss.ts";

const H = 1e-2;

/** Projection of an output onto fixed random weights: a scalar loss to differentiate. */
function project(out: Float32Array, r: Float32Array): number {
  let s = 0;
  for (let i = 0; i < out.length; i++) s += (out[i] ?? 0) * (r[i] ?? 0);
  return s;
}

function randomArray(n: number, rng: () => number): Float32Array {
  return new Float32Array(n).map(() => rng() * 2 - 1);
}

/** Central difference of `loss` w.r.t. `array[index]`, compared with `analytic`. */
function check(
  label: string,
  array: Float32Array,
  index: number,
  loss: () => number,
  analytic: number,
): void {
  const old = array[index] ?? 0;
  array[index] = old + H;
  const plus = loss();
  array[index] = old - H;
  const minus = loss();
  array[index] = old;
  const numeric = (plus - minus) / (2 * H);
  const tol = 2e-3 + 2e-2 * Math.abs(numeric);
  assert.ok(
    Math.abs(numeric - analytic) <= tol,
    `${label}[${index}]: numeric ${numeric} vs analytic ${analytic}`,
  );
}

function indices(length: number, count: number, rng: () => number): number[] {
  return Array.from({ length: count }, () => Math.floor(rng() * length));
}

Deno.test("textTowerBackward() matches finite differences", () => {
  const p = initParams(tinyConfig(8), 1);
  const rng = createRng(2);
  const n = 3;
  const ids = new Int32Array(n * 64);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < 5 + i; t++) {
      ids[i * 64 + t] = 1 + ((i * 7 + t * 13) % 50);
    }
  }
  const r = randomArray(n * 8, rng);
  const loss = () => project(textTowerForward(p.query, ids, n).out, r);
  const g = zeroGrads(p);
  textTowerBackward(p.query, textTowerForward(p.query, ids, n), r, g.query);
  for (const i of [16 * 1, 16 * 1 + 5, 16 * 14 + 3, 16 * 20 + 2]) {
    check("embed", p.query.embed, i, loss, g.query.embed[i] ?? 0);
  }
  for (
    const [name, arr, grad] of [
      ["l1.w", p.query.l1.w, g.query.l1.w],
      ["l1.b", p.query.l1.b, g.query.l1.b],
      ["l2.w", p.query.l2.w, g.query.l2.w],
      ["skip.w", p.query.skip.w, g.query.skip.w],
    ] as const
  ) {
    for (const i of indices(arr.length, 6, rng)) {
      check(name, arr, i, loss, grad[i] ?? 0);
    }
  }
  assert.ok(g.query.embed.subarray(0, 16).every((v) => v === 0));
});

Deno.test("imageHeadBackward() matches finite differences", () => {
  const p = initParams(tinyConfig(8), 3);
  const rng = createRng(4);
  const n = 2;
  const feats = randomArray(n * FRONTEND_SIZE, rng);
  const r = randomArray(n * 8, rng);
  const loss = () => project(imageHeadForward(p.image, feats, n).out, r);
  const g = zeroGrads(p);
  imageHeadBackward(p.image, imageHeadForward(p.image, feats, n), r, g.image);
  for (
    const [name, arr, grad] of [
      ["l1.w", p.image.l1.w, g.image.l1.w],
      ["l1.b", p.image.l1.b, g.image.l1.b],
      ["l2.w", p.image.l2.w, g.image.l2.w],
    ] as const
  ) {
    for (const i of indices(arr.length, 8, rng)) {
      check(name, arr, i, loss, grad[i] ?? 0);
    }
  }
});

Deno.test("fusionBackward() matches finite differences, inputs included", () => {
  const p = initParams(tinyConfig(8), 5);
  const rng = createRng(6);
  const n = 3;
  const title = randomArray(n * 8, rng);
  const image = randomArray(n * 8, rng);
  const has = Float32Array.of(1, 0, 1);
  const r = randomArray(n * 8, rng);
  const loss = () =>
    project(fusionForward(p.fusion, title, image, has, n).vector, r);
  const g = zeroGrads(p);
  const cache = fusionForward(p.fusion, title, image, has, n);
  const { dTitle, dImage } = fusionBackward(
    p.fusion,
    cache,
    title,
    image,
    r,
    g.fusion,
  );
  for (const i of indices(n * 8, 8, rng)) {
    check("title", title, i, loss, dTitle[i] ?? 0);
    check("image", image, i, loss, dImage[i] ?? 0);
  }
  assert.ok(dImage.subarray(8, 16).every((v) => v === 0));
  for (
    const [name, arr, grad] of [
      ["l1.w", p.fusion.l1.w, g.fusion.l1.w],
      ["l2.w", p.fusion.l2.w, g.fusion.l2.w],
      ["l2.b", p.fusion.l2.b, g.fusion.l2.b],
    ] as const
  ) {
    for (const i of indices(arr.length, 6, rng)) {
      check(name, arr, i, loss, grad[i] ?? 0);
    }
  }
});

Deno.test("infoNce() gradients match finite differences and masks apply", () => {
  const rng = createRng(7);
  const d = 4;
  const anchors = randomArray(3 * d, rng);
  const candidates = randomArray(5 * d, rng);
  const positives = Int32Array.of(0, 2, -1);
  const mask = new Uint8Array(15);
  mask[1] = 1; // anchor 0 ignores candidate 1
  let logitScale = 1.2;
  const run = () =>
    infoNce({
      anchors,
      candidates,
      dims: d,
      positives,
      mask,
      logitScale,
      trainable: 3,
    });
  const res = run();
  assert.equal(res.used, 2);
  const loss = () => run().loss;
  for (const i of indices(anchors.length, 8, rng)) {
    check("anchors", anchors, i, loss, res.dAnchors[i] ?? 0);
  }
  for (const i of indices(3 * d, 8, rng)) {
    check("candidates", candidates, i, loss, res.dCandidates[i] ?? 0);
  }
  const box = Float32Array.of(logitScale);
  check("logitScale", box, 0, () => {
    logitScale = box[0] ?? 0;
    return loss();
  }, res.dLogitScale);
  logitScale = 1.2;
  assert.ok(res.dAnchors.subarray(8).every((v) => v === 0));
  const before = run().loss;
  candidates[1 * d] = (candidates[1 * d] ?? 0) + 5;
  candidates[1 * d + 1] = (candidates[1 * d + 1] ?? 0) + 5;
  assert.ok(
    Math.abs(run().loss - before) > 0,
    "unmasked anchor 1 sees candidate 1",
  );
});
