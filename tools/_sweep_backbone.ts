/**
 * Speed and feature side of `deno task backbone-sweep`: MobileNetV2 graphs cut at
 * several layers, one multi-output graph per input size, timing, decoding and the
 * colour front end.
 * @module
 */

import onnxProto from "onnx-proto";
import * as ort from "onnxruntime-node";
import { decodeImage, type ImageSpec } from "../encode/mod.ts";
import {
  addBackbone,
  type KerasModel,
  layerChannels,
  loadMobileNetV2,
} from "../model/backbone.ts";
import { FLOAT, GraphBuilder } from "../model/_onnx_graph.ts";
import { COLOURS, imageFrontend } from "../model/image_frontend.ts";

const { onnx } = onnxProto;
const SOURCE = "nsfwjs@4.4.0/mobilenet_v2" as const;
/** Offset of the colour-prototype grid in the front end's 944 features. */
const GRID_AT = 3 * 64;
const GRID_SIZE = COLOURS * 16;

/** Layers the sweep cuts at. */
export const LAYERS = [
  "block_6_expand_relu",
  "block_10_expand_relu",
  "block_12_add",
  "block_13_expand_relu",
  "block_14_add",
  "block_16_project_BN",
  "out_relu",
];
/** The two layers of the concatenated candidate. */
export const CONCAT = ["block_13_expand_relu", "out_relu"];

/** Decoder spec for MobileNetV2: 0..1 values scaled to −1..1. */
export function specOf(side: number): ImageSpec {
  return {
    width: side,
    height: side,
    layout: "NCHW",
    mean: [0.5, 0.5, 0.5],
    std: [0.5, 0.5, 0.5],
    resize: "area",
    background: [255, 255, 255],
  };
}

function builder(side: number): { g: GraphBuilder; pixels: string } {
  const g = new GraphBuilder("backbone");
  return { g, pixels: g.input("pixels", FLOAT, ["N", 3, side, side]) };
}

function pooledOutput(
  g: GraphBuilder,
  tensor: string,
  name: string,
  dims: number,
) {
  const pooled = g.node("GlobalAveragePool", [tensor]);
  const flat = g.node("Flatten", [pooled], { attrs: { axis: 1 } });
  g.node("Identity", [flat], { out: name });
  g.output(name, FLOAT, ["N", dims]);
}

/** A graph cut at one layer (output "f"), the tensor it pools and its channels. */
export function truncatedGraph(
  model: KerasModel,
  side: number,
  layer: string,
): { bytes: Uint8Array; tensor: string; channels: number } {
  const { g, pixels } = builder(side);
  const { features, channels } = addBackbone(g, model, pixels, {
    source: SOURCE,
    layer,
    channels: layerChannels(layer),
  });
  g.node("Identity", [features], { out: "f" });
  g.output("f", FLOAT, ["N", channels]);
  const bytes = g.encode();
  const proto = onnx.ModelProto.decode(bytes);
  const pool = proto.graph?.node?.find((n) => n.opType === "GlobalAveragePool");
  const tensor = pool?.input?.[0];
  if (!tensor) {
    throw new TypeError(`Cannot find the pooled tensor of "${layer}"`);
  }
  return { bytes, tensor, channels };
}

/**
 * One graph cut at `last` with a pooled output `f_<layer>` for each of `layers`. The
 * builder names tensors deterministically, so an earlier layer's tensor has the name
 * it had in its own truncated graph (the caller checks the outputs agree).
 */
export function multiGraph(
  model: KerasModel,
  side: number,
  last: string,
  layers: readonly { layer: string; tensor: string; channels: number }[],
): Uint8Array {
  const { g, pixels } = builder(side);
  const { features, channels } = addBackbone(g, model, pixels, {
    source: SOURCE,
    layer: last,
    channels: layerChannels(last),
  });
  g.node("Identity", [features], { out: `f_${last}` });
  g.output(`f_${last}`, FLOAT, ["N", channels]);
  for (const l of layers) {
    if (l.layer !== last) pooledOutput(g, l.tensor, `f_${l.layer}`, l.channels);
  }
  return g.encode();
}

/**
 * Images per second of each graph on `batch` ([b, 3, side, side]): after warm-up, the
 * graphs take turns one batch at a time for `runs` rounds, and each keeps its fastest
 * batch (the machine is shared, so the best time is the least disturbed one). Also
 * returns each graph's first output on the batch.
 */
export async function imagesPerSecond(
  graphs: ReadonlyMap<string, Uint8Array>,
  batch: Float32Array,
  side: number,
  options: { threads: number; warmup: number; runs: number },
): Promise<Map<string, { ips: number; output: Float32Array }>> {
  const b = batch.length / (3 * side * side);
  const feeds = {
    pixels: new ort.Tensor("float32", batch, [b, 3, side, side]),
  };
  const sessions = new Map<string, ort.InferenceSession>();
  const result = new Map<string, { ips: number; output: Float32Array }>();
  try {
    for (const [name, bytes] of graphs) {
      const session = await ort.InferenceSession.create(bytes, {
        intraOpNumThreads: options.threads,
        interOpNumThreads: 1,
        executionProviders: ["cpu"],
      });
      sessions.set(name, session);
      let output: Float32Array = new Float32Array();
      for (let i = 0; i < options.warmup; i++) {
        const out = await session.run(feeds);
        output = out[session.outputNames[0] ?? ""]?.data as Float32Array;
      }
      result.set(name, { ips: 0, output });
    }
    for (let r = 0; r < options.runs; r++) {
      for (const [name, session] of sessions) {
        const start = performance.now();
        await session.run(feeds);
        const ips = (b * 1000) / (performance.now() - start);
        const entry = result.get(name);
        if (entry && ips > entry.ips) entry.ips = ips;
      }
    }
    return result;
  } finally {
    for (const session of sessions.values()) await session.release();
  }
}

/** Decodes one image at `side`; throws with the file's name when it is skipped. */
export async function decodeAt(
  bytes: Uint8Array,
  side: number,
  name: string,
): Promise<Float32Array> {
  const result = await decodeImage(bytes, specOf(side));
  if (result.kind !== "ok") {
    throw new TypeError(
      `Cannot decode "${name}": ${result.reason} (${result.detail})`,
    );
  }
  return result.tensor.data;
}

/** Colour features of every image and their cost. */
export interface ColourFeatures {
  /** [n, 432]: 27 prototype shares per cell of a 4×4 grid. */
  readonly grid: Float32Array;
  /** [n, 27]: prototype shares over the central 2×2 cells (the central half crop). */
  readonly centre: Float32Array;
  /** Milliseconds per image: decode at 64 px, then the front end. */
  readonly decodeMs: number;
  readonly frontMs: number;
}

/** The existing front end (model/image_frontend.ts) on 64 px versions of `images`. */
export async function colourFeatures(
  images: readonly { bytes: Uint8Array; name: string }[],
): Promise<ColourFeatures> {
  const n = images.length;
  const grid = new Float32Array(n * GRID_SIZE);
  const centre = new Float32Array(n * COLOURS);
  let decodeMs = 0, frontMs = 0;
  for (let i = 0; i < n; i++) {
    const image = images[i];
    if (!image) continue;
    let t = performance.now();
    const px = await decodeAt(image.bytes, 64, image.name);
    decodeMs += performance.now() - t;
    t = performance.now();
    const all = imageFrontend(px, specOf(64));
    frontMs += performance.now() - t;
    const cells = all.subarray(GRID_AT, GRID_AT + GRID_SIZE);
    grid.set(cells, i * GRID_SIZE);
    for (let k = 0; k < COLOURS; k++) {
      let s = 0;
      for (const cell of [5, 6, 9, 10]) s += cells[k * 16 + cell] ?? 0;
      centre[i * COLOURS + k] = s / 4;
    }
  }
  return { grid, centre, decodeMs: decodeMs / n, frontMs: frontMs / n };
}

/** Images/s of every cut and of decoding, per size, without the quality part. */
export async function speedTable(
  images: readonly { bytes: Uint8Array; name: string }[],
  options: {
    sizes: readonly number[];
    threads: number;
    runs: number;
    log: (line: string) => void;
  },
  meta: { dataset: string; args: readonly string[]; started: string },
): Promise<string> {
  const model = await loadMobileNetV2();
  const colour = await colourFeatures(images);
  const colourMs = colour.decodeMs + colour.frontMs;
  const lines = [
    `\`deno task backbone-sweep ${meta.args.join(" ")}\`, ${meta.started}; ` +
    `${images.length} images of \`${meta.dataset}\`; colour front end ${
      colourMs.toFixed(2)
    } ms/img.`,
    "",
    "| size | layer | backbone img/s | decode img/s | combined img/s | with colour img/s |",
    "|---|---|---|---|---|---|",
  ];
  for (const side of options.sizes) {
    const plane = 3 * side * side;
    const batch = new Float32Array(32 * plane);
    const start = performance.now();
    for (let i = 0; i < images.length; i++) {
      const image = images[i];
      if (!image) continue;
      const px = await decodeAt(image.bytes, side, image.name);
      if (i < 32) batch.set(px, i * plane);
    }
    const decodeMs = (performance.now() - start) / images.length;
    const cut = LAYERS.map((layer) => ({
      layer,
      ...truncatedGraph(model, side, layer),
    }));
    const graphs = new Map(cut.map((c) => [c.layer, c.bytes]));
    graphs.set(
      CONCAT.join(" + "),
      multiGraph(
        model,
        side,
        "out_relu",
        cut.filter((c) => CONCAT.includes(c.layer)),
      ),
    );
    const timed = await imagesPerSecond(graphs, batch, side, {
      threads: options.threads,
      warmup: 2,
      runs: options.runs,
    });
    for (const [layer, { ips }] of timed) {
      const ms = 1000 / ips + decodeMs;
      lines.push(
        `| ${side} | ${layer} | ${ips.toFixed(0)} | ${
          (1000 / decodeMs).toFixed(0)
        } | ${(1000 / ms).toFixed(0)} | ${
          (1000 / (ms + colourMs)).toFixed(0)
        } |`,
      );
    }
    options.log(`${side}px timed`);
  }
  return lines.join("\n") + "\n";
}
