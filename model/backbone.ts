/**
 * A pretrained image backbone from an npm package: the MobileNetV2 that `nsfwjs@4.4.0`
 * (MIT) ships as a TensorFlow.js Keras layers model with 8-bit weights. This file turns
 * the layers up to a chosen one into ONNX nodes (NCHW, batch norm folded into the
 * convolutions, ReLU6 as Clip) inside a {@linkcode GraphBuilder}, so that the image
 * tower's graph holds the backbone, the colour front end and the trained head together.
 *
 * Blocks 0–10 of that network are frozen ImageNet weights; the later blocks were
 * fine-tuned for the package's own classes. Which layer to cut at was chosen by
 * measurement (docs/EVAL.md, "Choosing the image backbone").
 * @module
 */

import { MobileNetV2Model } from "nsfwjs/models/mobilenet_v2";
import { Buffer } from "node:buffer";
import type { GraphBuilder } from "./_onnx_graph.ts";

/** One Keras layer of the package's model.json. */
interface KerasLayer {
  readonly name: string;
  readonly class_name: string;
  readonly config: Record<string, unknown>;
  readonly inbound_nodes: readonly (readonly (readonly unknown[])[])[];
}

interface WeightEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly quantization?: { min: number; scale: number; dtype: string };
}

/** The package's model, decoded: layers in order and dequantised weights by name. */
export interface KerasModel {
  /** Layers in the file's (topological) order. */
  readonly layers: readonly KerasLayer[];
  /** Float weights by their manifest name ("block_1_expand/kernel"). */
  readonly weights: ReadonlyMap<string, Float32Array>;
}

/** Where the backbone is cut and how its feature map is pooled. */
export interface BackboneSpec {
  /** Package and model the weights come from (recorded in the bundle). */
  readonly source: "nsfwjs@4.4.0/mobilenet_v2";
  /** Keras layer whose output is pooled into features, e.g. "block_13_expand_relu". */
  readonly layer: string;
  /** Channels of that layer (the pooled feature length), checked when converting. */
  readonly channels: number;
}

/** Channels of the MobileNetV2 layers worth cutting at (expand: 6× the block input). */
const CHANNELS: Readonly<Record<string, number>> = {
  block_6_expand_relu: 192,
  block_10_expand_relu: 384,
  block_12_add: 96,
  block_13_expand_relu: 576,
  block_14_add: 160,
  block_16_project_BN: 320,
  out_relu: 1280,
};

/**
 * Pooled feature length of a layer that {@linkcode addBackbone} can cut at.
 * @throws {RangeError} for a layer not in the list
 */
export function layerChannels(layer: string): number {
  const c = CHANNELS[layer];
  if (c === undefined) {
    throw new RangeError(
      `Unknown backbone layer "${layer}": one of ${
        Object.keys(CHANNELS).join(", ")
      }`,
    );
  }
  return c;
}

let cached: Promise<KerasModel> | undefined;

/** Loads and dequantises the package's MobileNetV2 once per process. */
export function loadMobileNetV2(): Promise<KerasModel> {
  cached ??= readModel();
  return cached;
}

function defaultExport(module: unknown): unknown {
  if (typeof module === "object" && module !== null && "default" in module) {
    return module.default;
  }
  return module;
}

async function readModel(): Promise<KerasModel> {
  const json = defaultExport(await MobileNetV2Model.modelJson()) as {
    modelTopology: { model_config: { config: { layers: KerasLayer[] } } };
    weightsManifest: { paths: string[]; weights: WeightEntry[] }[];
  };
  const group = json.weightsManifest[0];
  const shard = MobileNetV2Model.weightBundles[0];
  if (json.weightsManifest.length !== 1 || !group || !shard) {
    throw new TypeError(
      "Cannot read MobileNetV2 from nsfwjs: expected one weight group with one shard",
    );
  }
  const bytes = Buffer.from(String(defaultExport(await shard())), "base64");
  const weights = new Map<string, Float32Array>();
  let offset = 0;
  for (const entry of group.weights) {
    const size = entry.shape.reduce((a, b) => a * b, 1);
    const q = entry.quantization;
    if (!q || q.dtype !== "uint8") {
      throw new TypeError(
        `Cannot read MobileNetV2 weight "${entry.name}": only uint8 quantisation is supported`,
      );
    }
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      values[i] = q.min + q.scale * (bytes[offset + i] ?? 0);
    }
    weights.set(entry.name, values);
    offset += size;
  }
  if (offset !== bytes.length) {
    throw new RangeError(
      `Cannot read MobileNetV2 weights: manifest covers ${offset} bytes, shard has ${bytes.length}`,
    );
  }
  return { layers: json.modelTopology.model_config.config.layers, weights };
}

function weight(model: KerasModel, name: string): Float32Array {
  const w = model.weights.get(name);
  if (!w) throw new TypeError(`Cannot find MobileNetV2 weight "${name}"`);
  return w;
}

/** Names of a layer's inputs. */
function inbound(layer: KerasLayer): string[] {
  return (layer.inbound_nodes[0] ?? []).map((n) => String(n[0]));
}

interface PendingConv {
  readonly w: Float32Array; // ONNX layout [out, in/group, kh, kw]
  readonly dims: [number, number, number, number];
  readonly input: string;
  readonly strides: number;
  readonly pads: [number, number, number, number];
  readonly group: number;
}

/** Keras [kh, kw, in, out] → ONNX [out, in, kh, kw]. */
function convKernel(
  k: Float32Array,
  kh: number,
  kw: number,
  cin: number,
  cout: number,
): Float32Array {
  const w = new Float32Array(k.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < cin; i++) {
        for (let o = 0; o < cout; o++) {
          w[((o * cin + i) * kh + y) * kw + x] =
            k[((y * kw + x) * cin + i) * cout + o] ?? 0;
        }
      }
    }
  }
  return w;
}

function samePads(kernel: number, strides: number): number {
  if (strides !== 1 || kernel % 2 !== 1) {
    throw new RangeError(
      `Cannot convert "same" padding with kernel ${kernel} and stride ${strides}`,
    );
  }
  return (kernel - 1) / 2;
}

/**
 * Adds the backbone up to `spec.layer` to `g`, reading NCHW `pixels` scaled to −1..1.
 * Returns the pooled features [N, C] and C.
 * @throws {TypeError} on a layer type or weight the converter does not know
 */
export function addBackbone(
  g: GraphBuilder,
  model: KerasModel,
  pixels: string,
  spec: BackboneSpec,
): { features: string; channels: number } {
  const tensors = new Map<string, string>();
  const channels = new Map<string, number>();
  const pads = new Map<string, [number, number, number, number]>();
  let pending: PendingConv | undefined;
  const flush = (name: string, bias: Float32Array, cout: number) => {
    if (!pending) throw new TypeError(`Cannot fold "${name}": no convolution`);
    const p = pending;
    pending = undefined;
    const out = g.node("Conv", [
      p.input,
      g.float(`${name}_w`, p.dims, p.w),
      g.float(`${name}_b`, [cout], bias),
    ], {
      attrs: {
        strides: [p.strides, p.strides],
        pads: p.pads,
        group: p.group,
        kernel_shape: [p.dims[2], p.dims[3]],
      },
    });
    tensors.set(name, out);
    channels.set(name, cout);
  };
  for (const layer of model.layers) {
    const c = layer.config;
    const [from = ""] = inbound(layer);
    const input = tensors.get(from) ?? "";
    const cin = channels.get(from) ?? 3;
    switch (layer.class_name) {
      case "InputLayer":
        tensors.set(layer.name, pixels);
        channels.set(layer.name, 3);
        break;
      case "ZeroPadding2D": {
        const [[top, bottom], [left, right]] = c.padding as number[][] as [
          [number, number],
          [number, number],
        ];
        tensors.set(layer.name, input);
        channels.set(layer.name, cin);
        pads.set(layer.name, [top, left, bottom, right]);
        break;
      }
      case "Conv2D":
      case "DepthwiseConv2D": {
        const depthwise = layer.class_name === "DepthwiseConv2D";
        const [kh = 1, kw = 1] = c.kernel_size as number[];
        const [strides = 1] = c.strides as number[];
        const before = pads.get(from);
        const p = c.padding === "same" ? samePads(kh, strides) : 0;
        const k = weight(
          model,
          `${layer.name}/${depthwise ? "depthwise_kernel" : "kernel"}`,
        );
        const cout = depthwise ? cin : Number(c.filters);
        if (c.use_bias) {
          throw new TypeError(
            `Cannot convert "${layer.name}": bias not folded`,
          );
        }
        pending = {
          w: depthwise
            ? convKernel(k, kh, kw, 1, cin)
            : convKernel(k, kh, kw, cin, cout),
          dims: [cout, depthwise ? 1 : cin, kh, kw],
          input,
          strides,
          pads: before ?? [p, p, p, p],
          group: depthwise ? cin : 1,
        };
        channels.set(layer.name, cout);
        break;
      }
      case "BatchNormalization": {
        const gamma = weight(model, `${layer.name}/gamma`);
        const beta = weight(model, `${layer.name}/beta`);
        const mean = weight(model, `${layer.name}/moving_mean`);
        const variance = weight(model, `${layer.name}/moving_variance`);
        const eps = Number(c.epsilon);
        const conv = pending;
        if (!conv) throw new TypeError(`Cannot fold "${layer.name}"`);
        const cout = conv.dims[0];
        const per = conv.w.length / cout;
        const bias = new Float32Array(cout);
        for (let o = 0; o < cout; o++) {
          const s = (gamma[o] ?? 1) / Math.sqrt((variance[o] ?? 1) + eps);
          for (let i = o * per; i < (o + 1) * per; i++) {
            conv.w[i] = (conv.w[i] ?? 0) * s;
          }
          bias[o] = (beta[o] ?? 0) - (mean[o] ?? 0) * s;
        }
        flush(layer.name, bias, cout);
        break;
      }
      case "ReLU": {
        const max = c.max_value === null ? undefined : Number(c.max_value);
        const out = max === undefined ? g.node("Relu", [input]) : g.node(
          "Clip",
          [input, g.float("zero", [], [0]), g.float("six", [], [max])],
        );
        tensors.set(layer.name, out);
        channels.set(layer.name, cin);
        break;
      }
      case "Add": {
        const ins = inbound(layer).map((n) => tensors.get(n) ?? "");
        tensors.set(layer.name, g.node("Add", ins));
        channels.set(layer.name, cin);
        break;
      }
      default:
        throw new TypeError(
          `Cannot convert layer "${layer.name}": ${layer.class_name} is not supported`,
        );
    }
    if (pending && layer.name === spec.layer) {
      throw new TypeError(`Cannot cut at "${spec.layer}": before batch norm`);
    }
    if (layer.name === spec.layer) {
      const pooled = g.node("GlobalAveragePool", [
        tensors.get(layer.name) ?? "",
      ]);
      return {
        features: g.node("Flatten", [pooled], { attrs: { axis: 1 } }),
        channels: channels.get(layer.name) ?? 0,
      };
    }
  }
  throw new TypeError(`Cannot find MobileNetV2 layer "${spec.layer}"`);
}
