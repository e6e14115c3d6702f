/**
 * Reads the parameters of a bundle written by {@linkcode writeBundle} back from its
 * ONNX initialisers, so the TypeScript forward pass can be compared with onnxruntime on
 * a shipped bundle (parity test of model/default).
 * @module
 */

import { join } from "node:path";
import onnxProto from "onnx-proto";
import type { Dense } from "./_kernels.ts";
import type {
  FusionParams,
  ImageHeadParams,
  ModelConfig,
  ModelParams,
  TextTowerParams,
} from "./architecture.ts";

const { onnx } = onnxProto;

type Tensors = Map<string, { dims: number[]; data: Float32Array }>;

/** Float initialisers of a model by base name (the exporter's "_<n>" suffix removed). */
async function readInitialisers(path: string): Promise<Tensors> {
  const model = onnx.ModelProto.decode(await Deno.readFile(path));
  const out: Tensors = new Map();
  for (const t of model.graph?.initializer ?? []) {
    if (t.dataType !== 1 || !t.rawData) continue;
    const raw = t.rawData;
    const copy = new Uint8Array(raw.byteLength);
    copy.set(raw);
    const base = (t.name ?? "").replace(/_\d+$/u, "");
    out.set(base, {
      dims: (t.dims ?? []).map(Number),
      data: new Float32Array(copy.buffer),
    });
  }
  return out;
}

function tensor(
  t: Tensors,
  name: string,
  path: string,
): { dims: number[]; data: Float32Array } {
  const found = t.get(name);
  if (found === undefined) {
    throw new TypeError(
      `Cannot read bundle graph "${path}": no initialiser "${name}"`,
    );
  }
  return found;
}

function dense(t: Tensors, name: string, path: string): Dense {
  const w = tensor(t, `${name}_w`, path);
  return {
    in: w.dims[0] ?? 0,
    out: w.dims[1] ?? 0,
    w: w.data,
    b: tensor(t, `${name}_b`, path).data,
  };
}

async function textTower(dir: string, file: string): Promise<TextTowerParams> {
  const path = join(dir, file);
  const t = await readInitialisers(path);
  return {
    embed: tensor(t, "embed", path).data,
    l1: dense(t, "l1", path),
    l2: dense(t, "l2", path),
    skip: dense(t, "skip", path),
  };
}

/**
 * Parameters of the bundle in `dir` (written by this project's exporter).
 * @throws {TypeError} when a graph lacks an expected initialiser
 */
export async function readBundleParams(dir: string): Promise<ModelParams> {
  const manifest = JSON.parse(
    await Deno.readTextFile(join(dir, "manifest.json")),
  );
  const files = manifest.files as Record<string, { path: string }>;
  const query = await textTower(dir, files.query?.path ?? "query.onnx");
  const title = await textTower(dir, files.title?.path ?? "title.onnx");
  const imagePath = join(dir, files.image?.path ?? "image.onnx");
  const it = await readInitialisers(imagePath);
  const image: ImageHeadParams = {
    featMean: tensor(it, "feat_mean", imagePath).data,
    featInvStd: tensor(it, "feat_inv_std", imagePath).data,
    l1: dense(it, "l1", imagePath),
    l2: dense(it, "l2", imagePath),
  };
  const fusionPath = join(dir, files.fusion?.path ?? "fusion.onnx");
  const ft = await readInitialisers(fusionPath);
  const fusion: FusionParams = {
    l1: dense(ft, "l1", fusionPath),
    l2: dense(ft, "l2", fusionPath),
  };
  const config: ModelConfig = {
    dims: manifest.dims,
    text: manifest.text,
    embedDim: query.l1.in,
    textHidden: query.l1.out,
    image: manifest.image,
    imageHidden: image.l1.out,
    fusionHidden: fusion.l1.out,
  };
  return { config, query, title, image, fusion, logitScale: 0 };
}
