/**
 * Exports the model's four parts to ONNX (opset 13), with the IO names and shapes of
 * docs/MODEL.md. Each graph computes exactly what model/forward.ts computes.
 * @module
 */

import { type Dense, NORM_EPS } from "./_kernels.ts";
import { FLOAT, GraphBuilder, INT32 } from "./_onnx_graph.ts";
import type { ModelParams, TextTowerParams } from "./architecture.ts";
import {
  checkFrontSpec,
  colourConv,
  COLOURS,
  EDGE_FILTERS,
  edgeConv,
} from "./image_frontend.ts";

function gemm(g: GraphBuilder, x: string, layer: Dense, name: string): string {
  const w = g.float(`${name}_w`, [layer.in, layer.out], layer.w);
  const b = g.float(`${name}_b`, [layer.out], layer.b);
  return g.node("Gemm", [x, w, b]);
}

function l2Normalise(g: GraphBuilder, x: string, out: string): void {
  const sq = g.node("Mul", [x, x]);
  const sum = g.node("ReduceSum", [sq, g.int64("axis1", [1])], {
    attrs: { keepdims: 1 },
  });
  const eps = g.float("eps", [], [NORM_EPS]);
  const norm = g.node("Sqrt", [g.node("Add", [sum, eps])]);
  g.node("Div", [x, norm], { out });
}

/** The query or title tower: `ids` int32 [N, T] → `embedding` float32 [N, D]. */
export function exportTextTower(
  params: ModelParams,
  tower: "query" | "title",
): Uint8Array {
  const p: TextTowerParams = params[tower];
  const { text, dims } = params.config;
  const g = new GraphBuilder(`${tower}_tower`);
  const ids = g.input("ids", INT32, ["N", text.maxTokens]);
  const embed = g.float("embed", [text.buckets + 1, p.l1.in], p.embed);
  const gathered = g.node("Gather", [embed, ids], { attrs: { axis: 0 } });
  const axis1 = g.int64("axis1", [1]);
  const sum = g.node("ReduceSum", [gathered, axis1], {
    attrs: { keepdims: 0 },
  });
  const mask = g.node("Cast", [
    g.node("Greater", [ids, g.int32Scalar("zero", 0)]),
  ], {
    attrs: { to: FLOAT },
  });
  const count = g.node("ReduceSum", [mask, axis1], { attrs: { keepdims: 1 } });
  const safe = g.node("Max", [count, g.float("one", [], [1])]);
  const mean = g.node("Div", [sum, safe]);
  const h = g.node("Relu", [gemm(g, mean, p.l1, "l1")]);
  const e = g.node("Add", [
    gemm(g, h, p.l2, "l2"),
    gemm(g, mean, p.skip, "skip"),
  ]);
  l2Normalise(g, e, "embedding");
  g.output("embedding", FLOAT, ["N", dims]);
  return g.encode();
}

function pool(g: GraphBuilder, x: string, k: number): string {
  return g.node("AveragePool", [x], {
    attrs: { kernel_shape: [k, k], strides: [k, k] },
  });
}

function flatten(g: GraphBuilder, x: string): string {
  return g.node("Flatten", [x], { attrs: { axis: 1 } });
}

/** The image tower: `pixels` float32 [N, 3, H, W] → `embedding` float32 [N, D]. */
export function exportImageTower(params: ModelParams): Uint8Array {
  const { image: spec, dims } = params.config;
  checkFrontSpec(spec);
  const p = params.image;
  const g = new GraphBuilder("image_tower");
  const pixels = g.input("pixels", FLOAT, ["N", 3, spec.height, spec.width]);
  const thumb = flatten(g, pool(g, pixels, 8));
  const colour = colourConv(spec);
  const logits = g.node("Conv", [
    pool(g, pixels, 4),
    g.float("colour_w", [COLOURS, 3, 1, 1], colour.w),
    g.float("colour_b", [COLOURS], colour.b),
  ]);
  const probs = g.node("Softmax", [logits], { attrs: { axis: 1 } });
  const colours = flatten(g, pool(g, probs, 4));
  const edges = g.node("Abs", [
    g.node("Conv", [
      pool(g, pixels, 2),
      g.float("edge_w", [EDGE_FILTERS, 3, 3, 3], edgeConv()),
    ], { attrs: { pads: [1, 1, 1, 1] } }),
  ]);
  const edgeFeats = flatten(g, pool(g, edges, 4));
  const feats = g.node("Concat", [thumb, colours, edgeFeats], {
    attrs: { axis: 1 },
  });
  const n = p.featMean.length;
  const z = g.node("Mul", [
    g.node("Sub", [feats, g.float("feat_mean", [n], p.featMean)]),
    g.float("feat_inv_std", [n], p.featInvStd),
  ]);
  const h = g.node("Relu", [gemm(g, z, p.l1, "l1")]);
  l2Normalise(g, gemm(g, h, p.l2, "l2"), "embedding");
  g.output("embedding", FLOAT, ["N", dims]);
  return g.encode();
}

/** Modal Adaptation: `title`, `image`, `has_image` → `vector`, `weights`. */
export function exportFusion(params: ModelParams): Uint8Array {
  const { dims } = params.config;
  const p = params.fusion;
  const g = new GraphBuilder("fusion");
  const title = g.input("title", FLOAT, ["N", dims]);
  const image = g.input("image", FLOAT, ["N", dims]);
  const has = g.input("has_image", FLOAT, ["N", 1]);
  const cat = g.node("Concat", [title, image], { attrs: { axis: 1 } });
  const h = g.node("Relu", [gemm(g, cat, p.l1, "l1")]);
  const s = g.node("Sigmoid", [gemm(g, h, p.l2, "l2")]);
  const wi = g.node("Mul", [s, has]);
  const wt = g.node("Sub", [g.float("one", [], [1]), wi]);
  g.node("Concat", [wt, wi], { out: "weights", attrs: { axis: 1 } });
  const mixed = g.node("Add", [
    g.node("Mul", [title, wt]),
    g.node("Mul", [image, wi]),
  ]);
  l2Normalise(g, mixed, "vector");
  g.output("vector", FLOAT, ["N", dims]);
  g.output("weights", FLOAT, ["N", 2]);
  return g.encode();
}
