/**
 * Chooses the execution device: WebGPU when a real GPU adapter exists, wasm
 * otherwise. A software fallback adapter (llvmpipe) measured 9 img/s against
 * 1586 for wasm, so `auto` does not pick it.
 * @module
 */

import { EncodeError } from "../errors.ts";
import type { OrtModule } from "./_serial_session.ts";

/** Requested device. */
export type EncoderDevice = "auto" | "webgpu" | "wasm";

/** What a WebGPU adapter probe found. */
export interface GpuProbe {
  /** An adapter exists. */
  readonly available: boolean;
  /** The adapter is a software fallback (e.g. llvmpipe). */
  readonly fallback: boolean;
  /** Vendor/architecture/description when known, for logs. */
  readonly description: string;
}

/** The device chosen, why, and how to run on it. */
export interface ResolvedDevice {
  readonly device: "webgpu" | "wasm";
  readonly reason: string;
  readonly ort: OrtModule;
  readonly providers: readonly string[];
}

let probe: Promise<GpuProbe> | undefined;

/** Asks `navigator.gpu` for an adapter once per process (it can take seconds). */
export function probeGpu(): Promise<GpuProbe> {
  probe ??= (async () => {
    const gpu = (globalThis.navigator as { gpu?: GPU } | undefined)?.gpu;
    if (gpu === undefined) {
      return {
        available: false,
        fallback: false,
        description: "navigator.gpu is missing",
      };
    }
    try {
      const adapter = await gpu.requestAdapter();
      if (adapter === null) {
        return { available: false, fallback: false, description: "no adapter" };
      }
      const info = adapter.info as GPUAdapterInfo & {
        isFallbackAdapter?: boolean;
      };
      const legacy =
        (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter;
      const fallback = info.isFallbackAdapter === true || legacy === true;
      const description = [info.vendor, info.architecture, info.description]
        .filter((s) => s !== undefined && s !== "").join(" ") ||
        "unnamed adapter";
      return { available: true, fallback, description };
    } catch (err: unknown) {
      const message = err instanceof Error ? err.message : String(err);
      return {
        available: false,
        fallback: false,
        description: `requestAdapter failed: ${message}`,
      };
    }
  })();
  return probe;
}

/**
 * Resolves `requested` to a device and loads its onnxruntime build.
 * @throws {EncodeError} when "webgpu" is requested and no adapter exists
 */
export async function resolveDevice(
  requested: EncoderDevice,
): Promise<ResolvedDevice> {
  if (requested === "wasm") return await wasm("requested");
  const gpu = await probeGpu();
  if (requested === "webgpu") {
    if (!gpu.available) {
      throw new EncodeError(`Cannot use device "webgpu": ${gpu.description}`);
    }
    const note = gpu.fallback ? " (software fallback adapter: slow)" : "";
    return await webgpu(`requested; adapter ${gpu.description}${note}`);
  }
  if (!gpu.available) {
    return await wasm(`auto: no WebGPU adapter (${gpu.description})`);
  }
  if (gpu.fallback) {
    return await wasm(
      `auto: WebGPU adapter "${gpu.description}" is a software fallback`,
    );
  }
  return await webgpu(`auto: WebGPU adapter ${gpu.description}`);
}

async function wasm(reason: string): Promise<ResolvedDevice> {
  const ort = await import("onnxruntime-web");
  return { device: "wasm", reason, ort, providers: ["wasm"] };
}

async function webgpu(reason: string): Promise<ResolvedDevice> {
  const ort = await import("onnxruntime-web/webgpu");
  return { device: "webgpu", reason, ort, providers: ["webgpu"] };
}
