/**
 * Builds the product and query encoders of a bundle on the chosen device.
 * @module
 */

import type { Logger } from "../log.ts";
import type { ModelBundle } from "./load_bundle.ts";
import { type EncoderDevice, resolveDevice } from "./device.ts";
import { SerialSession } from "./_serial_session.ts";
import {
  createProductEncoder,
  type ProductEncoder,
} from "./product_encoder.ts";
import { createQueryEncoder, type QueryEncoder } from "./query_encoder.ts";

/** Options of {@linkcode createEncoders}. */
export interface EncoderOptions {
  /**
   * Where to run: "auto" picks WebGPU on a real (non-fallback) GPU adapter, else
   * "native" (onnxruntime-node; needs --allow-ffi) when it loads, else "wasm".
   * @default "auto"
   */
  readonly device?: EncoderDevice;
  /** CPU threads per session (wasm: process-wide, applied by the first call only). @default 1 */
  readonly threads?: number;
  /** Receives one "encoder_device" line with the resolved device and the reason. */
  readonly log?: Logger;
}

/** Product and query encoders sharing one device. */
export interface Encoders extends AsyncDisposable {
  /** The device in use: "webgpu", "native" or "wasm". */
  readonly device: string;
  /** Why that device was chosen. */
  readonly deviceReason: string;
  /** Title + image + fusion. */
  readonly product: ProductEncoder;
  /** Query tower + Keyword Enhancement. */
  readonly query: QueryEncoder;
}

/**
 * Creates sessions for the four graphs of `bundle` on the resolved device.
 * @throws {EncodeError} when the device is unavailable or a session cannot be created
 * @throws {RangeError} when `threads` is not a positive integer
 */
export async function createEncoders(
  bundle: ModelBundle,
  options: EncoderOptions = {},
): Promise<Encoders> {
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(
      `Cannot create encoders: "threads" must be a positive integer, got ${threads}`,
    );
  }
  const resolved = await resolveDevice(options.device ?? "auto", threads);
  const { ort, sessionOptions } = resolved;
  const sessions: SerialSession[] = [];
  const open = async (key: "query" | "title" | "image" | "fusion") => {
    const label = `${bundle.manifest.files[key].path} in "${bundle.dir}"`;
    const session = await SerialSession.create(ort, bundle.graphs[key], {
      label,
      sessionOptions,
    });
    sessions.push(session);
    return session;
  };
  try {
    const [query, title, image, fusion] = [
      await open("query"),
      await open("title"),
      await open("image"),
      await open("fusion"),
    ];
    options.log?.info("encoder_device", {
      device: resolved.device,
      reason: resolved.reason,
      model: bundle.manifest.name,
      modelVersion: bundle.manifest.version,
    });
    const { manifest, keywords } = bundle;
    return {
      device: resolved.device,
      deviceReason: resolved.reason,
      product: createProductEncoder({
        ort,
        manifest,
        title,
        image,
        fusion,
        // onnxruntime-web runs on this thread and resolves through microtasks only:
        // back-to-back batches starved timers and I/O (1 timer tick in 3 s measured).
        yieldFirst: resolved.device !== "native",
      }),
      query: createQueryEncoder({ ort, manifest, keywords, query }),
      async [Symbol.asyncDispose]() {
        await Promise.all(sessions.map((s) => s.release()));
      },
    };
  } catch (err: unknown) {
    await Promise.all(sessions.map((s) => s.release()));
    throw err;
  }
}
