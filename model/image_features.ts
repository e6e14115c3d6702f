/**
 * Front-end features of images for training and adapting: decodes image bytes exactly
 * as the service does (the encode stage's `decodeImage`), runs the front-end graph of
 * model/image_frontend.ts in onnxruntime (native CPU) in batches, and keeps the result
 * in an on-disk cache keyed by the sha256 of the image bytes and of the front-end spec,
 * so that training again or adapting again never runs the backbone twice on one image.
 *
 * Cache file: `<dir>/features-<spec hash 16>.bin`, records of 32 bytes of image sha256
 * followed by F little-endian float32; appended, read whole at start. A torn last
 * record (a crash while appending) is ignored.
 * @module
 */

import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { decodeImage, type ImageSpec, sha256Hex } from "../encode/mod.ts";
import { loadMobileNetV2 } from "./backbone.ts";
import { featureSize, type ImageFrontSpec } from "./image_frontend.ts";
import { exportImageFeatures } from "./onnx_export.ts";

/** Images per onnxruntime call. */
const BATCH = 32;

/** The encode stage's image spec for a front-end spec. */
export function imageSpecOf(spec: ImageFrontSpec): ImageSpec {
  const [m0, m1, m2] = spec.mean;
  const [s0, s1, s2] = spec.std;
  return {
    width: spec.width,
    height: spec.height,
    layout: "NCHW",
    mean: [m0 ?? 0, m1 ?? 0, m2 ?? 0],
    std: [s0 ?? 1, s1 ?? 1, s2 ?? 1],
    resize: "area",
    background: [255, 255, 255],
  };
}

/** Counts of one {@linkcode FeatureStore.features} call. */
export interface FeatureStats {
  /** Images whose features came from the cache. */
  readonly cached: number;
  /** Images decoded and run through the front end. */
  readonly computed: number;
  /** Images that could not be decoded (no features; `null` in the result). */
  readonly undecodable: number;
}

/** Front-end features of image bytes, with the on-disk cache. */
export class FeatureStore implements AsyncDisposable {
  /** F: features per image. */
  readonly size: number;
  readonly #spec: ImageFrontSpec;
  readonly #session: ort.InferenceSession;
  readonly #cache = new Map<string, Float32Array>();
  readonly #file: string | undefined;

  private constructor(
    spec: ImageFrontSpec,
    session: ort.InferenceSession,
    file: string | undefined,
  ) {
    this.size = featureSize(spec);
    this.#spec = spec;
    this.#session = session;
    this.#file = file;
  }

  /** Builds the front-end graph for `spec`; `cacheDir` undefined: no disk cache. */
  static async create(
    spec: ImageFrontSpec,
    options: { readonly cacheDir?: string; readonly threads?: number } = {},
  ): Promise<FeatureStore> {
    const keras = spec.backbone ? await loadMobileNetV2() : undefined;
    const session = await ort.InferenceSession.create(
      exportImageFeatures(spec, keras),
      { intraOpNumThreads: options.threads ?? 2 },
    );
    let file: string | undefined;
    if (options.cacheDir !== undefined) {
      await Deno.mkdir(options.cacheDir, { recursive: true });
      const key = await sha256Hex(
        new TextEncoder().encode(JSON.stringify(spec)),
      );
      file = join(options.cacheDir, `features-${key.slice(0, 16)}.bin`);
    }
    const store = new FeatureStore(spec, session, file);
    await store.#load();
    return store;
  }

  async #load(): Promise<void> {
    if (this.#file === undefined) return;
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(this.#file);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return;
      throw err;
    }
    const record = 32 + 4 * this.size;
    const whole = bytes.length - (bytes.length % record);
    // A torn last record (crash while appending) is cut so later appends stay aligned.
    if (whole !== bytes.length) await Deno.truncate(this.#file, whole);
    for (let at = 0; at + record <= bytes.length; at += record) {
      const hash = Array.from(
        bytes.subarray(at, at + 32),
        (b) => b.toString(16).padStart(2, "0"),
      ).join("");
      const values = new Float32Array(this.size);
      new Uint8Array(values.buffer).set(bytes.subarray(at + 32, at + record));
      this.#cache.set(hash, values);
    }
  }

  /** Entries in the cache. */
  get cachedCount(): number {
    return this.#cache.size;
  }

  /**
   * Features of each image in `images` (bytes, or undefined for a product without an
   * image); null where there is no image or it cannot be decoded.
   * `onProgress(done)` is called after every batch.
   */
  async features(
    images: readonly (Uint8Array | undefined)[],
    onProgress?: (done: number) => void,
  ): Promise<{ features: (Float32Array | null)[]; stats: FeatureStats }> {
    const out: (Float32Array | null)[] = new Array(images.length).fill(null);
    const hashes = await Promise.all(
      images.map((b) =>
        b === undefined ? undefined : sha256Hex(b as Uint8Array<ArrayBuffer>)
      ),
    );
    const todo: number[] = [];
    let cached = 0;
    hashes.forEach((hash, i) => {
      if (hash === undefined) return;
      const hit = this.#cache.get(hash);
      if (hit) {
        out[i] = hit;
        cached++;
      } else todo.push(i);
    });
    let computed = 0;
    let undecodable = 0;
    const spec = imageSpecOf(this.#spec);
    const pixels = 3 * spec.width * spec.height;
    for (let start = 0; start < todo.length; start += BATCH) {
      const batch: { i: number; data: Float32Array }[] = [];
      for (const i of todo.slice(start, start + BATCH)) {
        const result = await decodeImage(images[i] as Uint8Array, spec);
        if (result.kind === "ok") batch.push({ i, data: result.tensor.data });
        else undecodable++;
      }
      if (batch.length > 0) {
        const input = new Float32Array(batch.length * pixels);
        batch.forEach((b, k) => input.set(b.data, k * pixels));
        const result = await this.#session.run({
          pixels: new ort.Tensor("float32", input, [
            batch.length,
            3,
            spec.height,
            spec.width,
          ]),
        });
        const data = result.features?.data as Float32Array;
        const records: Uint8Array[] = [];
        batch.forEach((b, k) => {
          const values = data.slice(k * this.size, (k + 1) * this.size);
          out[b.i] = values;
          const hash = hashes[b.i] as string;
          this.#cache.set(hash, values);
          records.push(hexBytes(hash), new Uint8Array(values.buffer));
        });
        computed += batch.length;
        await this.#append(records);
      }
      onProgress?.(cached + Math.min(start + BATCH, todo.length));
    }
    return { features: out, stats: { cached, computed, undecodable } };
  }

  async #append(parts: Uint8Array[]): Promise<void> {
    if (this.#file === undefined || parts.length === 0) return;
    const total = parts.reduce((n, p) => n + p.length, 0);
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    await Deno.writeFile(this.#file, bytes, { append: true });
  }

  /** Releases the onnxruntime session. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.#session.release();
  }
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  }
  return out;
}
