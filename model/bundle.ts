/**
 * Writes a model bundle (docs/MODEL.md): manifest.json with sha256 of every file, the
 * four ONNX graphs and keywords.json.
 * @module
 */

import { join } from "node:path";
import type { KeywordVocabulary } from "../encode/mod.ts";
import { sha256Hex } from "../encode/mod.ts";
import type { ModelConfig, ModelParams } from "./architecture.ts";
import { loadMobileNetV2 } from "./backbone.ts";
import type { ImageFrontSpec } from "./image_frontend.ts";
import {
  exportFusion,
  exportImageTower,
  exportTextTower,
} from "./onnx_export.ts";

/** Options of {@linkcode writeBundle}. */
export interface WriteBundleOptions {
  /** Free-text model name. @default "make-default" */
  readonly name?: string;
  /** Version recorded with every index built from this bundle. */
  readonly version: string;
  /** Keyword vocabulary written to keywords.json. */
  readonly keywords: KeywordVocabulary;
  /** Query-time keyword enhancement strength. */
  readonly alpha: number;
}

/** The manifest as written (the loader's `BundleManifest` has the same shape). */
export interface WrittenManifest {
  /** Bundle format tag. */
  readonly format: "make-bundle/1";
  /** Free-text name. */
  readonly name: string;
  /** Model version. */
  readonly version: string;
  /** D. */
  readonly dims: number;
  /** Image input section. */
  readonly image: Record<string, unknown>;
  /** Tokenizer section. */
  readonly text: ModelConfig["text"];
  /** Keyword Enhancement settings. */
  readonly keywords: { readonly alpha: number };
  /** Files and their sha256. */
  readonly files: Record<string, { path: string; sha256: string }>;
}

/** Writes the bundle of `params` into `dir` (created if missing); returns the manifest. */
export async function writeBundle(
  dir: string,
  params: ModelParams,
  options: WriteBundleOptions,
): Promise<WrittenManifest> {
  await Deno.mkdir(dir, { recursive: true });
  const contents: Record<string, [string, Uint8Array]> = {
    query: ["query.onnx", exportTextTower(params, "query")],
    title: ["title.onnx", exportTextTower(params, "title")],
    image: [
      "image.onnx",
      exportImageTower(
        params,
        params.config.image.backbone ? await loadMobileNetV2() : undefined,
      ),
    ],
    fusion: ["fusion.onnx", exportFusion(params)],
    keywords: [
      "keywords.json",
      new TextEncoder().encode(
        JSON.stringify(options.keywords, null, 1) + "\n",
      ),
    ],
  };
  const files: Record<string, { path: string; sha256: string }> = {};
  for (const [key, [path, bytes]] of Object.entries(contents)) {
    await Deno.writeFile(join(dir, path), bytes);
    files[key] = {
      path,
      sha256: await sha256Hex(bytes as Uint8Array<ArrayBuffer>),
    };
  }
  const { config } = params;
  const manifest: WrittenManifest = {
    format: "make-bundle/1",
    name: options.name ?? "make-default",
    version: options.version,
    dims: config.dims,
    image: {
      width: config.image.width,
      height: config.image.height,
      layout: "NCHW",
      mean: config.image.mean,
      std: config.image.std,
      resize: "area",
      background: [255, 255, 255],
      ...(config.image.backbone ? { backbone: config.image.backbone } : {}),
    },
    text: config.text,
    keywords: { alpha: options.alpha },
    files,
  };
  await Deno.writeTextFile(
    join(dir, "manifest.json"),
    JSON.stringify(manifest, null, 2) + "\n",
  );
  return manifest;
}

/** Image input of the filter-bank front end (no backbone): 64 px. */
export const FILTER_BANK_IMAGE: ImageFrontSpec = {
  width: 64,
  height: 64,
  mean: [0.5, 0.5, 0.5],
  std: [0.25, 0.25, 0.25],
};
