/**
 * Worker entry of {@linkcode createImageWorkers}: loads one image per message with
 * `loadImage` and answers with the result, the tensor's buffer transferred, not copied.
 * @module
 */
import { loadImage } from "./load_image.ts";
import type { WorkerReply, WorkerRequest } from "./image_workers.ts";

const scope = globalThis as unknown as {
  onmessage: (e: MessageEvent<WorkerRequest>) => void;
  postMessage: (message: WorkerReply, transfer: Transferable[]) => void;
};

scope.onmessage = async ({ data }) => {
  try {
    const result = await loadImage(data.ref, data.spec, data.options);
    const transfer = result.kind === "ok"
      ? [result.tensor.data.buffer as ArrayBuffer]
      : [];
    if (result.kind === "ok" && result.thumbnail) {
      transfer.push(result.thumbnail.buffer as ArrayBuffer);
    }
    scope.postMessage({ id: data.id, result }, transfer);
  } catch (err) {
    scope.postMessage({ id: data.id, error: String(err) }, []);
  }
};
