/**
 * Encoder throughput per device (wasm, native, WebGPU when an adapter exists) for
 * the product encoder (title + image + fusion), the query encoder, and the image and
 * title towers alone (issue 6 item 7), batch 1 and 16.
 * Uses model/default when present, else a random bundle of the default sizes.
 * Run: deno bench -A encode/encoder_bench.ts   (items/s = iter/s × batch)
 * @module
 */

import { join } from "node:path";
import { DEFAULT_CONFIG, initParams, writeBundle } from "../model/mod.ts";
import { TINY_KEYWORDS } from "../model/testing.ts";
import type { ImageTensor } from "../types.ts";
import { loadBundle, type ModelBundle } from "./load_bundle.ts";
import { createEncoders, type Encoders } from "./create_encoders.ts";
import { probeGpu, resolveDevice } from "./device.ts";
import { SerialSession } from "./_serial_session.ts";

async function benchBundle(): Promise<ModelBundle> {
  const shipped = join(import.meta.dirname ?? ".", "..", "model", "default");
  try {
    return await loadBundle(shipped);
  } catch {
    // No trained bundle yet: random weights of the same sizes run at the same speed.
    const dir = await Deno.makeTempDir();
    await writeBundle(dir, initParams(DEFAULT_CONFIG, 1), {
      version: "bench",
      keywords: TINY_KEYWORDS,
      alpha: 0.3,
    });
    const bundle = await loadBundle(dir);
    await Deno.remove(dir, { recursive: true });
    return bundle;
  }
}

const bundle = await benchBundle();
const { width, height } = bundle.manifest.image;

function image(seed: number): ImageTensor {
  const data = new Float32Array(3 * width * height);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(seed + i * 0.01);
  return { width, height, data };
}

const TITLES = [
  "Women's red silk evening dress long sleeve maxi gown party wedding guest",
  "Men's lightweight running shoes breathable mesh trainers black size 42",
  "Navy blue cotton oxford shirt slim fit button down",
  "USB-C fast charger 65W GaN wall adapter",
];
const products = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    title: TITLES[i % TITLES.length] ?? "",
    image: image(i),
  }));
const QUERIES = [
  "red dress",
  "running shoes black",
  "navy shirt",
  "phone charger",
];
const queries = (n: number) =>
  Array.from({ length: n }, (_, i) => QUERIES[i % QUERIES.length] ?? "");

const gpu = await probeGpu();
const devices: ("wasm" | "native" | "webgpu")[] = ["wasm", "native"];
if (gpu.available) devices.push("webgpu");

const encoders = new Map<string, Encoders>();
for (const device of devices) {
  encoders.set(device, await createEncoders(bundle, { device }));
}

for (const batch of [1, 16]) {
  const items = products(batch);
  const texts = queries(batch);
  for (const [device, enc] of encoders) {
    // A software WebGPU adapter is ~100× slower: few iterations keep the run short.
    const slow = device === "webgpu" && gpu.fallback ? { n: 4, warmup: 1 } : {};
    Deno.bench({
      name: `product b${batch} ${device}`,
      group: `product batch ${batch}`,
      baseline: device === "wasm",
      ...slow,
      async fn() {
        await enc.product.encode(items);
      },
    });
    Deno.bench({
      name: `query b${batch} ${device}`,
      group: `query batch ${batch}`,
      baseline: device === "wasm",
      ...slow,
      async fn() {
        await enc.query.encode(texts);
      },
    });
  }
}

/** The image and title towers alone, without text features or fusion. */
for (const device of devices) {
  const resolved = await resolveDevice(device, 1);
  const open = (key: "image" | "title") =>
    SerialSession.create(resolved.ort, bundle.graphs[key], {
      label: key,
      sessionOptions: resolved.sessionOptions,
    });
  const imageTower = await open("image");
  const titleTower = await open("title");
  const T = bundle.manifest.text.maxTokens;
  for (const batch of [1, 16]) {
    const pixels = new Float32Array(batch * 3 * width * height).fill(0.1);
    const ids = Int32Array.from({ length: batch * T }, (_, i) => (i % 97) + 1);
    const slow = device === "webgpu" && gpu.fallback ? { n: 4, warmup: 1 } : {};
    Deno.bench({
      name: `image tower b${batch} ${device}`,
      group: `image tower batch ${batch}`,
      baseline: device === "wasm",
      ...slow,
      async fn() {
        const tensor = new resolved.ort.Tensor("float32", pixels, [
          batch,
          3,
          height,
          width,
        ]);
        await imageTower.run({ pixels: tensor });
      },
    });
    Deno.bench({
      name: `title tower b${batch} ${device}`,
      group: `title tower batch ${batch}`,
      baseline: device === "wasm",
      ...slow,
      async fn() {
        await titleTower.run({
          ids: new resolved.ort.Tensor("int32", ids, [batch, T]),
        });
      },
    });
  }
}
