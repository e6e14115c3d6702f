/**
 * ONNX parity: runs a written bundle's four graphs in onnxruntime-web (wasm) on given
 * inputs and compares them with the trainer's own TypeScript forward pass.
 * @module
 */

import { join } from "node:path";
import * as ort from "onnxruntime-web";
import type { ModelParams } from "../architecture.ts";
import {
  fusionForward,
  imageHeadForward,
  textTowerForward,
} from "../forward.ts";
import { FRONTEND_SIZE, imageFrontend } from "../image_frontend.ts";

/** Inputs to compare on. */
export interface ParityInputs {
  /** [n, T] feature ids, run through both text towers. */
  readonly ids: Int32Array;
  /** [m, 3, 64, 64] normalised pixels. */
  readonly pixels: Float32Array;
  /** [m]: 1 or 0, for the fusion graph. */
  readonly hasImage: Float32Array;
}

/** Largest absolute difference per output. */
export interface ParityReport {
  /** Query tower embedding. */
  readonly query: number;
  /** Title tower embedding. */
  readonly title: number;
  /** Image tower embedding. */
  readonly image: number;
  /** Fusion vector. */
  readonly vector: number;
  /** Fusion weights. */
  readonly weights: number;
  /** Largest of all. */
  readonly max: number;
}

/** Runs an ONNX model on onnxruntime-web (wasm) and returns every output's data. */
export async function runOnnxWasm(
  model: Uint8Array,
  feeds: Record<string, ort.Tensor>,
): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ["wasm"],
  });
  try {
    const out = await session.run(feeds);
    return Object.fromEntries(
      Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]),
    );
  } finally {
    await session.release();
  }
}

function maxDiff(a: Float32Array | undefined, b: Float32Array): number {
  if (a === undefined || a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    max = Math.max(max, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  }
  return max;
}

/** Image tower diff; returns it with the TS image embeddings for the fusion check. */
async function imageParity(
  dir: string,
  params: ModelParams,
  inputs: ParityInputs,
): Promise<{ diff: number; image: Float32Array }> {
  const m = inputs.hasImage.length;
  const side = params.config.image.width;
  const out = await runOnnxWasm(await Deno.readFile(join(dir, "image.onnx")), {
    pixels: new ort.Tensor("float32", inputs.pixels, [m, 3, side, side]),
  });
  // The filter bank is recomputed here; a backbone is checked against TF.js by
  // model/backbone_test.ts, so with one the graph's own features feed the head.
  let ts: Float32Array | undefined;
  if (!params.config.image.backbone) {
    ts = new Float32Array(m * FRONTEND_SIZE);
    const size = 3 * side * side;
    for (let i = 0; i < m; i++) {
      const pixels = inputs.pixels.subarray(i * size, (i + 1) * size);
      ts.set(imageFrontend(pixels, params.config.image), i * FRONTEND_SIZE);
    }
  }
  const feats = out.features ?? ts;
  if (feats === undefined) {
    throw new TypeError(
      `Cannot check image parity of "${dir}": the graph has no "features" output`,
    );
  }
  const frontDiff = ts && out.features ? maxDiff(out.features, ts) : 0;
  const image = imageHeadForward(params.image, feats, m).out;
  return {
    diff: Math.max(frontDiff, maxDiff(out.embedding, image)),
    image,
  };
}

/**
 * Compares the bundle in `dir` with `params` on `inputs` (needs at least as many id
 * rows as images: the first rows' title embeddings feed the fusion check).
 */
export async function checkParity(
  dir: string,
  params: ModelParams,
  inputs: ParityInputs,
): Promise<ParityReport> {
  ort.env.wasm.numThreads = 1;
  const { maxTokens } = params.config.text;
  const n = inputs.ids.length / maxTokens;
  const idsTensor = new ort.Tensor("int32", inputs.ids, [n, maxTokens]);
  const text: Record<string, number> = {};
  for (const tower of ["query", "title"] as const) {
    const out = await runOnnxWasm(
      await Deno.readFile(join(dir, `${tower}.onnx`)),
      { ids: idsTensor },
    );
    const ref = textTowerForward(params[tower], inputs.ids, n).out;
    text[tower] = maxDiff(out.embedding, ref);
  }
  const { diff: imageDiff, image } = await imageParity(dir, params, inputs);
  const m = inputs.hasImage.length;
  const d = params.config.dims;
  const titleIds = inputs.ids.subarray(0, m * maxTokens);
  const title = textTowerForward(params.title, titleIds, m).out;
  const fused = await runOnnxWasm(
    await Deno.readFile(join(dir, "fusion.onnx")),
    {
      title: new ort.Tensor("float32", title, [m, d]),
      image: new ort.Tensor("float32", image, [m, d]),
      has_image: new ort.Tensor("float32", inputs.hasImage, [m, 1]),
    },
  );
  const ref = fusionForward(params.fusion, title, image, inputs.hasImage, m);
  const report = {
    query: text.query ?? Infinity,
    title: text.title ?? Infinity,
    image: imageDiff,
    vector: maxDiff(fused.vector, ref.vector),
    weights: maxDiff(fused.weights, ref.weights),
  };
  return { ...report, max: Math.max(...Object.values(report)) };
}
