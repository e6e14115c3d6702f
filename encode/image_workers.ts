/**
 * Image fetching and decoding off the main thread: a fixed pool of Workers, each running
 * `loadImage`, behind the same call shape. Decoding, not encoding, bounds ingest on CPUs
 * (it costs several times more per product than the towers), so spreading it over cores
 * raises ingest throughput and keeps the event loop free for Kafka and HTTP.
 * @module
 */
import type { ImageRef, ImageResult } from "../types.ts";
import type { ImageSpec } from "./bundle_manifest.ts";
import type { ImageSkipReason } from "./decode_image.ts";
import type { ImageLoadOptions } from "./load_image.ts";
import { DecodeError } from "../errors.ts";

/** Options a worker can receive (no functions: they cross a thread boundary). */
export type WorkerImageOptions = Omit<
  ImageLoadOptions,
  "signal" | "resolveHost" | "timers" | "decoders"
>;

/** A request to a worker. */
export interface WorkerRequest {
  readonly id: number;
  readonly ref: ImageRef;
  readonly spec: ImageSpec;
  readonly options: WorkerImageOptions;
}

/** A worker's answer: the result, or the error `loadImage` threw. */
export type WorkerReply =
  | { readonly id: number; readonly result: ImageResult<ImageSkipReason> }
  | { readonly id: number; readonly error: string };

/** A pool of image Workers. */
export interface ImageWorkers extends AsyncDisposable {
  /** Workers in the pool. */
  readonly size: number;
  /** `loadImage` in the least busy worker. @throws {DecodeError} when a worker failed or the pool is closed */
  load(
    ref: ImageRef,
    spec: ImageSpec,
    options: WorkerImageOptions,
  ): Promise<ImageResult<ImageSkipReason>>;
}

interface Slot {
  readonly worker: Worker;
  readonly pending: Map<
    number,
    PromiseWithResolvers<ImageResult<ImageSkipReason>>
  >;
}

/** Starts `workers` Workers (at least 1). */
export function createImageWorkers(options: { workers: number }): ImageWorkers {
  if (!Number.isInteger(options.workers) || options.workers < 1) {
    throw new RangeError(
      `Cannot start image workers: workers must be an integer ≥ 1: got ${options.workers}`,
    );
  }
  const url = new URL("./_image_worker.ts", import.meta.url);
  let failure: DecodeError | null = null;
  let nextId = 0;
  const slots: Slot[] = Array.from({ length: options.workers }, () => {
    const slot: Slot = {
      worker: new Worker(url, { type: "module" }),
      pending: new Map(),
    };
    slot.worker.onmessage = ({ data }: MessageEvent<WorkerReply>) => {
      const waiter = slot.pending.get(data.id);
      slot.pending.delete(data.id);
      if ("result" in data) waiter?.resolve(data.result);
      else {waiter?.reject(
          new DecodeError(`Cannot load image in a worker: ${data.error}`),
        );}
    };
    slot.worker.onerror = (e) => {
      e.preventDefault();
      fail(new DecodeError(`Image worker crashed: ${e.message}`));
    };
    return slot;
  });
  const fail = (err: DecodeError) => {
    failure ??= err;
    for (const s of slots) {
      for (const w of s.pending.values()) w.reject(failure);
      s.pending.clear();
    }
  };
  return {
    size: slots.length,
    load(ref, spec, opts) {
      if (failure) return Promise.reject(failure);
      const slot = slots.reduce((
        a,
        b,
      ) => (b.pending.size < a.pending.size ? b : a));
      const id = nextId++;
      const waiter = Promise.withResolvers<ImageResult<ImageSkipReason>>();
      slot.pending.set(id, waiter);
      slot.worker.postMessage(
        { id, ref, spec, options: opts } satisfies WorkerRequest,
      );
      return waiter.promise;
    },
    [Symbol.asyncDispose]() {
      fail(
        new DecodeError("Cannot load image: the image workers were stopped"),
      );
      for (const s of slots) s.worker.terminate();
      return Promise.resolve();
    },
  };
}
