/**
 * The MAKE model: architecture, ONNX export, bundle writing and reading, and training
 * (docs/MODEL.md). Input: model parameters (trained by `deno task train`, or random for
 * tests) or a catalogue folder to train on. Output: bundle folders the encode stage
 * loads. Errors: invalid sizes throw RangeError; unreadable catalogues or bundles throw
 * TypeError/SyntaxError with the file named; file-system errors propagate. Training is
 * synchronous CPU work between file reads; nothing here takes a signal.
 * @module
 */

export type { Dense } from "./_kernels.ts";
export {
  DEFAULT_CONFIG,
  type FusionParams,
  type ImageHeadParams,
  initParams,
  type ModelConfig,
  type ModelParams,
  type TextTowerParams,
} from "./architecture.ts";
export type { ImageFrontSpec } from "./image_frontend.ts";
export { type BackboneSpec, layerChannels } from "./backbone.ts";
export {
  createTinyBundle,
  FILTER_BANK_IMAGE,
  TINY_KEYWORDS,
  type TinyBundleOptions,
  tinyConfig,
  writeBundle,
  type WriteBundleOptions,
  type WrittenManifest,
} from "./bundle.ts";
export { readBundleParams } from "./read_bundle.ts";
export {
  trainBundle,
  type TrainBundleOptions,
  type TrainBundleReport,
} from "./train/pipeline.ts";
export type {
  TrainOptions,
  TrainProgress,
  TrainReport,
} from "./train/trainer.ts";
export type { LossWeights, StepLosses } from "./train/step.ts";
export type { ParityReport } from "./train/parity.ts";
export type { CatalogProduct } from "./train/data.ts";
export type {
  KeywordTerm,
  KeywordVocabulary,
  TextSpec,
} from "../encode/mod.ts";
export {
  adaptBundle,
  type AdaptOptions,
  type AdaptProduct,
  type AdaptProgress,
  type AdaptReport,
  type AdaptValidation,
} from "./adapt/adapt.ts";
export type { FeatureStats } from "./image_features.ts";
