/**
 * Worker entry for the bench's parallel-decode limit: loads one image per message with
 * the encode stage's `loadImage` and sends the tensor back (its buffer transferred).
 * @module
 */
import { type ImageSpec, loadImage } from "../encode/mod.ts";
import type { ImageRef } from "../types.ts";

interface Request {
  readonly id: number;
  readonly ref: ImageRef;
  readonly spec: ImageSpec;
  readonly baseDir: string;
}

const scope = globalThis as unknown as {
  onmessage: (e: MessageEvent<Request>) => void;
  postMessage: (message: unknown, transfer: Transferable[]) => void;
};

scope.onmessage = async ({ data }) => {
  const r = await loadImage(data.ref, data.spec, { baseDir: data.baseDir });
  if (r.kind === "ok") {
    scope.postMessage({ id: data.id, ok: true }, [
      r.tensor.data.buffer as ArrayBuffer,
    ]);
  } else {
    scope.postMessage({ id: data.id, ok: false }, []);
  }
};
