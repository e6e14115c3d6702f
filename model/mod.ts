/**
 * The MAKE model: architecture, TypeScript forward pass, ONNX export and bundle
 * writing (docs/MODEL.md). Input: model parameters (trained by tools/train.ts or random
 * for tests). Output: bundle folders the encode stage loads. Errors: invalid sizes throw
 * RangeError; file-system failures propagate from Deno. Nothing here is asynchronous
 * except file writes, so there is nothing to abort.
 * @module
 */

export {
  DEFAULT_CONFIG,
  type FusionParams,
  type ImageHeadParams,
  initParams,
  type ModelConfig,
  type ModelParams,
  type TextTowerParams,
} from "./architecture.ts";
export {
  createTinyBundle,
  TINY_KEYWORDS,
  type TinyBundleOptions,
  tinyConfig,
  writeBundle,
  type WriteBundleOptions,
  type WrittenManifest,
} from "./bundle.ts";
export {
  type FusionCache,
  fusionForward,
  type ImageCache,
  imageHeadForward,
  type TextCache,
  textTowerForward,
} from "./forward.ts";
export {
  FRONTEND_SIZE,
  imageFrontend,
  type ImageFrontSpec,
} from "./image_frontend.ts";
export {
  exportFusion,
  exportImageTower,
  exportTextTower,
} from "./onnx_export.ts";
export {
  trainBundle,
  type TrainBundleOptions,
  type TrainBundleReport,
} from "./train/pipeline.ts";
export {
  trainModel,
  type TrainOptions,
  type TrainProgress,
  type TrainReport,
} from "./train/trainer.ts";
export { checkParity, type ParityReport } from "./train/parity.ts";
export { readBundleParams } from "./read_bundle.ts";
