/**
 * Chooses the execution device. `auto`: WebGPU when a real GPU adapter exists, else
 * the native CPU runtime (onnxruntime-node, needs --allow-ffi) when it loads, else
 * wasm. A software fallback adapter (llvmpipe) measured 9 img/s against 1586 for
 * wasm, so `auto` does not pick it; native measured 1.7–23× wasm (encoder_bench.ts).
 * @module
 */

import { EncodeError } from "../errors.ts";
import type { OrtModule, SessionOptions } from "./_serial_session.ts";

/** Requested device. */
export type EncoderDevice = "auto" | "webgpu" | "wasm" | "native";

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
  readonly device: "webgpu" | "wasm" | "native";
  readonly reason: string;
  readonly ort: OrtModule;
  /** Session options for this device (execution providers, threads). */
  readonly sessionOptions: SessionOptions;
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
 * Resolves `requested` to a device and loads its onnxruntime build; `threads` is the
 * CPU thread count (wasm: process-wide, set by the first call; native: per session).
 * @throws {EncodeError} when the requested device is unavailable
 */
export async function resolveDevice(
  requested: EncoderDevice,
  threads: number,
): Promise<ResolvedDevice> {
  if (requested === "wasm") return await wasm("requested", threads);
  if (requested === "native") {
    const loaded = await loadNative();
    if (typeof loaded === "string") {
      throw new EncodeError(`Cannot use device "native": ${loaded}`);
    }
    return native(loaded, "requested", threads);
  }
  const gpu = await probeGpu();
  if (requested === "webgpu") {
    if (!gpu.available) {
      throw new EncodeError(`Cannot use device "webgpu": ${gpu.description}`);
    }
    const note = gpu.fallback ? " (software fallback adapter: slow)" : "";
    return await webgpu(`requested; adapter ${gpu.description}${note}`);
  }
  if (gpu.available && !gpu.fallback) {
    return await webgpu(`auto: WebGPU adapter ${gpu.description}`);
  }
  const why = gpu.available
    ? `WebGPU adapter "${gpu.description}" is a software fallback`
    : `no WebGPU adapter (${gpu.description})`;
  const loaded = await loadNative();
  if (typeof loaded !== "string") {
    return native(loaded, `auto: ${why}; native CPU runtime loaded`, threads);
  }
  return await wasm(
    `auto: ${why}; native runtime unavailable (${loaded})`,
    threads,
  );
}

async function wasm(reason: string, threads: number): Promise<ResolvedDevice> {
  const ort = await import("onnxruntime-web");
  ort.env.wasm.numThreads = threads;
  const sessionOptions = { executionProviders: ["wasm"] };
  return { device: "wasm", reason, ort, sessionOptions };
}

async function webgpu(reason: string): Promise<ResolvedDevice> {
  const ort = await import("onnxruntime-web/webgpu");
  return {
    device: "webgpu",
    reason,
    ort,
    sessionOptions: { executionProviders: ["webgpu"] },
  };
}

function native(
  ort: OrtModule,
  reason: string,
  threads: number,
): ResolvedDevice {
  const sessionOptions = {
    executionProviders: ["cpu"],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  };
  return { device: "native", reason, ort, sessionOptions };
}

/** The onnxruntime-node module, or why it cannot be used (checked without prompting). */
async function loadNative(): Promise<OrtModule | string> {
  const ffi = await Deno.permissions.query({ name: "ffi" });
  if (ffi.state !== "granted") return "--allow-ffi not granted";
  try {
    return await import("onnxruntime-node");
  } catch (err: unknown) {
    return `cannot load onnxruntime-node: ${
      err instanceof Error ? err.message : String(err)
    }`;
  }
}
