/**
 * Encodes the evaluation products through the service's own code: loadImage (same
 * limits, decode and area resize) and the bundle's product encoder, batch by batch.
 */

import {
  type Encoders,
  type ImageSpec,
  loadImage,
  type ProductEmbedding,
} from "../../encode/mod.ts";
import type { ImageTensor } from "../../types.ts";
import type { EvalProduct } from "./data.ts";

/** Options of embedProducts. */
export interface EmbedOptions {
  readonly encoders: Encoders;
  readonly spec: ImageSpec;
  /** Folder relative image paths are read from. */
  readonly imageBaseDir: string;
  /** Products per encoder call. @default 64 */
  readonly batchSize?: number;
  /** Images loaded at once. @default 4 */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Embeddings in product order plus counts of skipped images by reason. */
export interface EmbedResult {
  readonly embeddings: ProductEmbedding[];
  readonly withImage: number;
  readonly skipped: Record<string, number>;
}

async function loadBatch(
  batch: readonly EvalProduct[],
  o: EmbedOptions,
  skipped: Record<string, number>,
): Promise<(ImageTensor | null)[]> {
  const out: (ImageTensor | null)[] = new Array(batch.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < batch.length) {
      const i = next++;
      const ref = batch[i]?.image;
      if (!ref) continue;
      const r = await loadImage(ref, o.spec, {
        baseDir: o.imageBaseDir,
        signal: o.signal,
      });
      if (r.kind === "ok") out[i] = r.tensor;
      else skipped[r.reason] = (skipped[r.reason] ?? 0) + 1;
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, o.concurrency ?? 4) }, worker),
  );
  return out;
}

/** Loads every product's image and encodes the products in batches. */
export async function embedProducts(
  products: readonly EvalProduct[],
  options: EmbedOptions,
): Promise<EmbedResult> {
  const size = options.batchSize ?? 64;
  const embeddings: ProductEmbedding[] = [];
  const skipped: Record<string, number> = {};
  let withImage = 0;
  for (let start = 0; start < products.length; start += size) {
    const batch = products.slice(start, start + size);
    const images = await loadBatch(batch, options, skipped);
    withImage += images.filter((x) => x !== null).length;
    const encoded = await options.encoders.product.encode(
      batch.map((p, i) => ({ title: p.title, image: images[i] ?? null })),
      { signal: options.signal },
    );
    embeddings.push(...encoded);
    options.onProgress?.(embeddings.length, products.length);
  }
  return { embeddings, withImage, skipped };
}
