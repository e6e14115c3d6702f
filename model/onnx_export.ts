/**
 * Exports the model's four parts to ONNX (opset 13), with the IO names and shapes of
 * docs/MODEL.md. Each graph computes exactly what model/forward.ts computes.
 * @module
 */

import { type Dense, NORM_EPS } from "./_kernels.ts";
import { FLOAT, GraphBuilder, INT32 } from "./_onnx_graph.ts";
import type { ModelParams, TextTowerParams } from "./architecture.ts";
import type { KerasModel } from "./backbone.ts";
import {
  addImageFeatures,
  featureSize,
  type ImageFrontSpec,
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

/**
 * The image tower: `pixels` float32 [N, 3, H, W] → `embedding` float32 [N, D], and
 * `features` [N, F], the front end's output (the head's input), so that
 * `deno task adapt` can retrain the head without running the backbone again.
 * `keras` holds the backbone's weights when the config has a backbone.
 */
export function exportImageTower(
  params: ModelParams,
  keras?: KerasModel,
): Uint8Array {
  const { image: spec, dims } = params.config;
  const p = params.image;
  const g = new GraphBuilder("image_tower");
  const pixels = g.input("pixels", FLOAT, ["N", 3, spec.height, spec.width]);
  const n = featureSize(spec);
  if (p.featMean.length !== n) {
    throw new RangeError(
      `Cannot export image tower: the head takes ${p.featMean.length} features, the front end gives ${n}`,
    );
  }
  const feats = g.node("Identity", [addImageFeatures(g, pixels, spec, keras)], {
    out: "features",
  });
  const z = g.node("Mul", [
    g.node("Sub", [feats, g.float("feat_mean", [n], p.featMean)]),
    g.float("feat_inv_std", [n], p.featInvStd),
  ]);
  const h = g.node("Relu", [gemm(g, z, p.l1, "l1")]);
  l2Normalise(g, gemm(g, h, p.l2, "l2"), "embedding");
  g.output("embedding", FLOAT, ["N", dims]);
  g.output("features", FLOAT, ["N", n]);
  return g.encode();
}

/** The front end alone: `pixels` [N, 3, H, W] → `features` [N, F]. */
export function exportImageFeatures(
  spec: ImageFrontSpec,
  keras?: KerasModel,
): Uint8Array {
  const g = new GraphBuilder("image_features");
  const pixels = g.input("pixels", FLOAT, ["N", 3, spec.height, spec.width]);
  g.node("Identity", [addImageFeatures(g, pixels, spec, keras)], {
    out: "features",
  });
  g.output("features", FLOAT, ["N", featureSize(spec)]);
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
