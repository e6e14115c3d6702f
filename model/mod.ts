/**
 * The MAKE model: architecture, ONNX export, bundle writing and reading, and training
 * (docs/MODEL.md). Input: model parameters (trained by `deno task train`, or random for
 * tests: model/testing.ts) or a catalogue folder to train on. Output: bundle folders the encode stage
 * loads. Errors: invalid sizes throw RangeError; unreadable catalogues or bundles throw
 * TypeError/SyntaxError with the file named; file-system errors propagate. Training is
 * synchronous CPU work between file reads; nothing here takes a signal.
 * @module
 */

export {
  DEFAULT_CONFIG,
  initParams,
  type ModelConfig,
} from "./architecture.ts";
export { layerChannels } from "./backbone.ts";
export { FILTER_BANK_IMAGE, writeBundle } from "./bundle.ts";
export { trainBundle } from "./train/pipeline.ts";
export type { TrainProgress } from "./train/trainer.ts";
export {
  adaptBundle,
  type AdaptProduct,
  type AdaptProgress,
} from "./adapt/adapt.ts";
