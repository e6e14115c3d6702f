import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import * as tf from "@tensorflow/tfjs";
import * as ort from "onnxruntime-node";
import { MobileNetV2Model } from "nsfwjs/models/mobilenet_v2";
import { FLOAT, GraphBuilder } from "./_onnx_graph.ts";
import { addBackbone, loadMobileNetV2 } from "./backbone.ts";
import { createRng } from "./_kernels.ts";
import { featureSize } from "./image_frontend.ts";
import { exportImageFeatures } from "./onnx_export.ts";

const SIDE = 64;
const LAYER = "block_13_expand_relu";

/** The package's own model run by TF.js, cut at `layer` and mean-pooled. */
async function tfjsReference(
  nhwc: Float32Array,
  n: number,
  layer: string,
): Promise<Float32Array> {
  const json = await MobileNetV2Model.modelJson() as unknown as {
    default: {
      modelTopology: {
        model_config: {
          config: {
            layers: { name: string; config: Record<string, unknown> }[];
            output_layers: unknown[];
          };
        };
      };
      weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
    };
  };
  const shard = await MobileNetV2Model.weightBundles[0]?.() as unknown as {
    default: string;
  };
  const bytes = Buffer.from(shard.default, "base64");
  const topology = structuredClone(json.default.modelTopology);
  // Keep the layers up to the cut, so the classifier's fixed 224 px shapes go too.
  const config = topology.model_config.config;
  config.layers = config.layers.slice(
    0,
    config.layers.findIndex((l) => l.name === layer) + 1,
  );
  config.output_layers = [[layer, 0, 0]];
  const input = config.layers[0];
  if (input) input.config.batch_input_shape = [null, SIDE, SIDE, 3];
  tf.setBackend("cpu");
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: topology,
      weightSpecs: json.default.weightsManifest[0]?.weights ?? [],
      weightData: bytes.buffer.slice(
        bytes.byteOffset,
        bytes.byteOffset + bytes.length,
      ),
    }),
    { strict: false },
  );
  const out = tf.tidy(() =>
    (model.predict(tf.tensor4d(nhwc, [n, SIDE, SIDE, 3])) as tf.Tensor).mean([
      1,
      2,
    ])
  );
  const data = await out.data() as Float32Array;
  out.dispose();
  return data;
}

Deno.test("addBackbone() matches the package's model run by TF.js", async () => {
  const n = 2;
  const rng = createRng(7);
  const nhwc = new Float32Array(n * SIDE * SIDE * 3).map(() => rng() * 2 - 1);
  const nchw = new Float32Array(nhwc.length);
  for (let b = 0; b < n; b++) {
    for (let p = 0; p < SIDE * SIDE; p++) {
      for (let c = 0; c < 3; c++) {
        nchw[(b * 3 + c) * SIDE * SIDE + p] = nhwc[
          (b * SIDE * SIDE + p) * 3 +
          c
        ] ?? 0;
      }
    }
  }
  const g = new GraphBuilder("backbone");
  const pixels = g.input("pixels", FLOAT, ["N", 3, SIDE, SIDE]);
  const { features, channels } = addBackbone(
    g,
    await loadMobileNetV2(),
    pixels,
    {
      source: "nsfwjs@4.4.0/mobilenet_v2",
      layer: LAYER,
      channels: 576,
    },
  );
  g.node("Identity", [features], { out: "features" });
  g.output("features", FLOAT, ["N", channels]);
  const session = await ort.InferenceSession.create(g.encode());
  const out = await session.run({
    pixels: new ort.Tensor("float32", nchw, [n, 3, SIDE, SIDE]),
  });
  await session.release();
  const got = out.features?.data as Float32Array;
  const want = await tfjsReference(nhwc, n, LAYER);
  assert.equal(channels, 576);
  assert.equal(got.length, want.length);
  let diff = 0;
  for (let i = 0; i < got.length; i++) {
    diff = Math.max(diff, Math.abs((got[i] ?? 0) - (want[i] ?? 0)));
  }
  assert.ok(diff < 1e-4, `max abs diff ${diff}`);
  assert.ok(want.some((v) => Math.abs(v) > 0.1), "reference is not all zero");
});

Deno.test("addBackbone() names the layer it cannot find", async () => {
  const g = new GraphBuilder("backbone");
  const pixels = g.input("pixels", FLOAT, ["N", 3, SIDE, SIDE]);
  assert.throws(
    () =>
      addBackbone(g, { layers: [], weights: new Map() }, pixels, {
        source: "nsfwjs@4.4.0/mobilenet_v2",
        layer: "block_99_relu",
        channels: 1,
      }),
    /Cannot find MobileNetV2 layer "block_99_relu"/,
  );
  assert.ok((await loadMobileNetV2()).weights.size > 200);
});

Deno.test("exportImageFeatures() with a backbone: pooled layer then the central colour histogram", async () => {
  const side = 64;
  const spec = {
    width: side,
    height: side,
    mean: [0.5, 0.5, 0.5],
    std: [0.5, 0.5, 0.5],
    backbone: {
      source: "nsfwjs@4.4.0/mobilenet_v2" as const,
      layer: "block_13_expand_relu",
      channels: 576,
    },
  };
  assert.equal(featureSize(spec), 576 + 27);
  const session = await ort.InferenceSession.create(
    exportImageFeatures(spec, await loadMobileNetV2()),
  );
  // A pure red square on white: the centre is red, the border is background.
  const px = new Float32Array(3 * side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const inside = x >= 16 && x < 48 && y >= 16 && y < 48;
      const rgb = inside ? [5 / 6, 1 / 6, 1 / 6] : [1, 1, 1];
      rgb.forEach((v, c) => (px[(c * side + y) * side + x] = (v - 0.5) / 0.5));
    }
  }
  const out = await session.run({
    pixels: new ort.Tensor("float32", px, [1, 3, side, side]),
  });
  await session.release();
  const f = out.features?.data as Float32Array;
  assert.equal(f.length, 603);
  const colours = Array.from(f.subarray(576));
  const sum = colours.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-4, `histogram sums to ${sum}`);
  // Prototypes are ordered r, g, b over levels 1/6, 1/2, 5/6: red = (5/6, 1/6, 1/6).
  const red = 2 * 9 + 0 * 3 + 0;
  assert.equal(colours.indexOf(Math.max(...colours)), red);
  assert.ok((colours[red] ?? 0) > 0.6, `red share ${colours[red]}`);
});
