/**
 * Encode stage: images and text → vectors with a MAKE model bundle.
 *
 * - Images: {@linkcode loadImage} fetches a URL, file or base64 image under byte,
 *   time, redirect and address limits, {@linkcode decodeImage} decodes JPEG, PNG or
 *   GIF (first frame) after checking the declared size, composites alpha over the
 *   manifest background, resizes by area averaging and normalises to CHW float32;
 *   asked to, it also makes a small, size-bounded JPEG thumbnail of the same pixels.
 *   Every per-image failure is a `{ kind: "skipped", reason, detail }` value; only an
 *   aborted signal rejects.
 * - Bundle: {@linkcode loadBundle} checks manifest fields, sha256 of every file, ONNX
 *   input/output names and shapes and the keyword vocabulary, and throws one
 *   EncodeError listing every problem.
 * - Encoders: {@linkcode createEncoders} runs the four graphs on WebGPU
 *   (onnxruntime-web, real GPU adapters only under "auto"), natively on the CPU
 *   (onnxruntime-node; needs --allow-ffi) or on wasm (onnxruntime-web).
 *   `product.encode` returns, in input order, a fused vector with its modality
 *   weights per product (image weight exactly 0 when there is no image); `query.encode` returns keyword-enhanced query vectors and the
 *   vocabulary terms found. Runs are serialised per session; a call checks its signal
 *   before and after each run and rejects with the signal's reason when aborted.
 * - Text: {@linkcode textFeatures} (hashed n-grams), {@linkcode KeywordMatcher} and
 *   {@linkcode enhanceQuery} for Keyword Enhancement.
 * @module
 */

export { loadBundle, type ModelBundle, sha256Hex } from "./load_bundle.ts";
export type { ImageSpec } from "./bundle_manifest.ts";
export { createEncoders, type Encoders } from "./create_encoders.ts";
export type { EncoderDevice } from "./device.ts";
export type { ProductEmbedding } from "./product_encoder.ts";
export type { QueryEmbedding, QueryEncoder } from "./query_encoder.ts";
export { decodeImage } from "./decode_image.ts";
export { loadImage, loadImageBytes } from "./load_image.ts";
export { createImageWorkers, type ImageWorkers } from "./image_workers.ts";
export type { WorkerImageOptions } from "./image_workers.ts";
export { DEFAULT_THUMBNAIL } from "./thumbnail.ts";
export { pngChunk } from "./png_chunk.ts";
export { normaliseText, textFeatures, type TextSpec } from "./text_features.ts";
export {
  enhanceQuery,
  KeywordMatcher,
  type KeywordTerm,
  type KeywordVocabulary,
} from "./keywords.ts";
