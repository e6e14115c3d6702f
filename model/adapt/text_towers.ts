/**
 * The frozen text towers of a bundle, run with onnxruntime (native CPU) on plain texts:
 * hashed n-gram features (encode's `textFeatures`), batches of 256, L2-normalised rows.
 * @module
 */

import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { textFeatures, type TextSpec } from "../../encode/mod.ts";

const BATCH = 256;

/** One text tower graph of a bundle. */
export class TextTower implements AsyncDisposable {
  readonly #session: ort.InferenceSession;
  readonly #spec: TextSpec;
  /** D. */
  readonly dims: number;

  private constructor(
    session: ort.InferenceSession,
    spec: TextSpec,
    dims: number,
  ) {
    this.#session = session;
    this.#spec = spec;
    this.dims = dims;
  }

  /** Opens `file` of the bundle in `dir`. */
  static async open(
    dir: string,
    file: string,
    spec: TextSpec,
    dims: number,
  ): Promise<TextTower> {
    const session = await ort.InferenceSession.create(
      await Deno.readFile(join(dir, file)),
      { intraOpNumThreads: 2 },
    );
    return new TextTower(session, spec, dims);
  }

  /** Embeddings of `texts`, [n, D]. */
  async encode(texts: readonly string[]): Promise<Float32Array> {
    const t = this.#spec.maxTokens;
    const out = new Float32Array(texts.length * this.dims);
    for (let start = 0; start < texts.length; start += BATCH) {
      const chunk = texts.slice(start, start + BATCH);
      const ids = new Int32Array(chunk.length * t);
      chunk.forEach((text, i) =>
        ids.set(textFeatures(text, this.#spec), i * t)
      );
      const result = await this.#session.run({
        ids: new ort.Tensor("int32", ids, [chunk.length, t]),
      });
      out.set(result.embedding?.data as Float32Array, start * this.dims);
    }
    return out;
  }

  /** Releases the session. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.#session.release();
  }
}
