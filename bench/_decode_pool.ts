/**
 * Decode throughput with images loaded in Workers (one per core by default): what decode
 * could give the pipeline if it left the main thread.
 * @module
 */
import type { ImageSpec } from "../encode/mod.ts";
import type { ImageRef } from "../types.ts";
import { perSecond } from "./_stats.ts";

/** Images per second loaded by `workers` Workers, `inFlight` requests each. */
export async function decodeInWorkers(
  refs: readonly ImageRef[],
  spec: ImageSpec,
  options: { baseDir: string; workers: number; inFlight: number },
): Promise<number> {
  const url = new URL("./_decode_worker.ts", import.meta.url);
  const pool = Array.from(
    { length: options.workers },
    () => new Worker(url, { type: "module" }),
  );
  try {
    // Warm-up: each worker loads its codecs once.
    await Promise.all(
      pool.map((w) => feed(w, refs.slice(0, 6), spec, options)),
    );
    const t0 = performance.now();
    await Promise.all(
      pool.map((w, wi) =>
        feed(w, refs.filter((_, i) => i % pool.length === wi), spec, options)
      ),
    );
    return perSecond(refs.length, performance.now() - t0);
  } finally {
    for (const w of pool) w.terminate();
  }
}

/** Sends `refs` to one worker with at most `inFlight` outstanding; resolves when all answered. */
function feed(
  worker: Worker,
  refs: readonly ImageRef[],
  spec: ImageSpec,
  options: { baseDir: string; inFlight: number },
): Promise<void> {
  const done = Promise.withResolvers<void>();
  let sent = 0;
  let answered = 0;
  const send = () => {
    worker.postMessage({
      id: sent,
      ref: refs[sent],
      spec,
      baseDir: options.baseDir,
    });
    sent++;
  };
  worker.onmessage = () => {
    answered++;
    if (sent < refs.length) send();
    if (answered === refs.length) done.resolve();
  };
  worker.onerror = (e) =>
    done.reject(new Error(`Cannot decode in a worker: ${e.message}`));
  if (refs.length === 0) done.resolve();
  while (sent < Math.min(options.inFlight, refs.length)) send();
  return done.promise;
}
