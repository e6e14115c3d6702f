/**
 * Product encoder: title tower + image tower + Modal Adaptation fusion → one
 * vector per product, with its modality weights and the two tower outputs.
 * @module
 */

import type { ImageTensor, ModalityWeights } from "../types.ts";
import type { BundleManifest } from "./bundle_manifest.ts";
import { textFeatures } from "./text_features.ts";
import type { OrtModule, OrtTensor, SerialSession } from "./_serial_session.ts";

/** One product to encode. */
export interface ProductInput {
  /** The product title, as in the event. */
  readonly title: string;
  /** The decoded image, or null when it is missing or was skipped. */
  readonly image: ImageTensor | null;
}

/** One product's embedding. */
export interface ProductEmbedding {
  /** Fused, L2-normalised vector of length dims. */
  readonly vector: Float32Array;
  /** Modal Adaptation weights; image is exactly 0 when there was no image. */
  readonly weights: ModalityWeights;
  /** The towers' own outputs (used by evaluation baselines). */
  readonly towers: {
    readonly title: Float32Array;
    readonly image: Float32Array | null;
  };
}

/** Encodes products; see {@linkcode ProductEncoder.encode}. */
export interface ProductEncoder {
  /** Vector length (D). */
  readonly dims: number;
  /** The bundle's version, recorded with every index. */
  readonly modelVersion: string;
  /**
   * Encodes a batch in order (empty batch → empty result).
   * @throws {TypeError} / {RangeError} for malformed input
   * @throws the signal's reason when aborted; {EncodeError} when the runtime fails
   */
  encode(
    batch: readonly ProductInput[],
    options?: { signal?: AbortSignal },
  ): Promise<ProductEmbedding[]>;
}

/** Sessions and settings a product encoder runs with. */
export interface ProductSessions {
  readonly ort: OrtModule;
  readonly manifest: BundleManifest;
  readonly title: SerialSession;
  readonly image: SerialSession;
  readonly fusion: SerialSession;
  /** Let timers and I/O run before each batch (for runtimes on this thread). */
  readonly yieldFirst: boolean;
}

/** Creates a product encoder over already-created sessions. */
export function createProductEncoder(s: ProductSessions): ProductEncoder {
  const D = s.manifest.dims;
  return {
    dims: D,
    modelVersion: s.manifest.version,
    async encode(batch, options = {}) {
      validateBatch(batch, s.manifest);
      if (batch.length === 0) return [];
      const { signal } = options;
      if (s.yieldFirst) await new Promise((resolve) => setTimeout(resolve, 0));
      const titles = await runTitles(s, batch, signal);
      const images = await runImages(s, batch, signal);
      const n = batch.length;
      const has = new Float32Array(n);
      batch.forEach((p, i) => has[i] = p.image === null ? 0 : 1);
      const fused = await s.fusion.run({
        title: new s.ort.Tensor("float32", titles, [n, D]),
        image: new s.ort.Tensor("float32", images, [n, D]),
        has_image: new s.ort.Tensor("float32", has, [n, 1]),
      }, { signal });
      const vectors = floats(fused, "vector", n * D);
      const weights = floats(fused, "weights", n * 2);
      return batch.map((p, i) => ({
        vector: vectors.slice(i * D, (i + 1) * D),
        weights: {
          title: weights[2 * i] ?? NaN,
          image: weights[2 * i + 1] ?? NaN,
        },
        towers: {
          title: titles.slice(i * D, (i + 1) * D),
          image: p.image === null ? null : images.slice(i * D, (i + 1) * D),
        },
      }));
    },
  };
}

/** Title tower over the whole batch: [N, D]. */
async function runTitles(
  s: ProductSessions,
  batch: readonly ProductInput[],
  signal: AbortSignal | undefined,
): Promise<Float32Array> {
  const T = s.manifest.text.maxTokens;
  const ids = new Int32Array(batch.length * T);
  batch.forEach((p, i) =>
    ids.set(textFeatures(p.title, s.manifest.text), i * T)
  );
  const out = await s.title.run({
    ids: new s.ort.Tensor("int32", ids, [batch.length, T]),
  }, { signal });
  return floats(out, "embedding", batch.length * s.manifest.dims);
}

/** Image tower over the products that have images, scattered to [N, D] (zeros elsewhere). */
async function runImages(
  s: ProductSessions,
  batch: readonly ProductInput[],
  signal: AbortSignal | undefined,
): Promise<Float32Array> {
  const D = s.manifest.dims;
  const { width: W, height: H } = s.manifest.image;
  const rows = batch.flatMap((p, i) => (p.image === null ? [] : [i]));
  const out = new Float32Array(batch.length * D);
  if (rows.length === 0) return out;
  const size = 3 * H * W;
  // One image: hand its buffer to the runtime as is; several: one contiguous copy.
  const only = rows.length === 1 ? batch[rows[0] ?? 0]?.image?.data : undefined;
  const pixels = only ?? new Float32Array(rows.length * size);
  if (only === undefined) {
    rows.forEach((row, j) =>
      pixels.set(batch[row]?.image?.data ?? [], j * size)
    );
  }
  const result = await s.image.run({
    pixels: new s.ort.Tensor("float32", pixels, [rows.length, 3, H, W]),
  }, { signal });
  const embeddings = floats(result, "embedding", rows.length * D);
  rows.forEach((row, j) =>
    out.set(embeddings.subarray(j * D, (j + 1) * D), row * D)
  );
  return out;
}

/** A float32 output of the expected length. */
export function floats(
  outputs: Record<string, OrtTensor>,
  name: string,
  length: number,
): Float32Array {
  const data = outputs[name]?.data;
  if (!(data instanceof Float32Array) || data.length !== length) {
    throw new RangeError(
      `Cannot read output "${name}": expected float32 × ${length}, got ${
        data instanceof Float32Array ? data.length : typeof data
      }`,
    );
  }
  return data;
}

function validateBatch(
  batch: readonly ProductInput[],
  manifest: BundleManifest,
): void {
  if (!Array.isArray(batch)) {
    throw new TypeError("Cannot encode products: batch must be an array");
  }
  const { width, height } = manifest.image;
  batch.forEach((p, i) => {
    if (typeof p?.title !== "string") {
      throw new TypeError(
        `Cannot encode products: batch[${i}].title must be a string`,
      );
    }
    if (p.image === null) return;
    if (!(p.image?.data instanceof Float32Array)) {
      throw new TypeError(
        `Cannot encode products: batch[${i}].image must be an ImageTensor or null`,
      );
    }
    if (
      p.image.width !== width || p.image.height !== height ||
      p.image.data.length !== 3 * width * height
    ) {
      throw new RangeError(
        `Cannot encode products: batch[${i}].image is ${p.image.width}×${p.image.height} (${p.image.data.length} values), expected ${width}×${height}×3`,
      );
    }
  });
}
