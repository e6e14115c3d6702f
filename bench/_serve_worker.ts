/**
 * Worker of the replicas stage's third server: loads the newest snapshot of a folder and
 * serves `GET /search?q=I` itself on a shared port (`reusePort`: the kernel spreads
 * connections over the Workers), so no request crosses threads. Posts `{ready}` once
 * listening, or `{error}`.
 * @module
 */
/// <reference lib="deno.worker" />
import { loadLatestSnapshot } from "../index/mod.ts";

/** What the stage sends. */
export interface ServeWorkerInit {
  readonly dir: string;
  readonly port: number;
  readonly queries: Float32Array[];
}

self.onmessage = async (e: MessageEvent<ServeWorkerInit>) => {
  const { dir, port, queries } = e.data;
  try {
    const loaded = await loadLatestSnapshot(dir);
    if (loaded === null) throw new Error(`no valid snapshot in ${dir}`);
    const index = loaded.index;
    Deno.serve({
      hostname: "127.0.0.1",
      port,
      reusePort: true,
      onListen: () => self.postMessage({ ready: true }),
    }, (req) => {
      const q = Number(new URL(req.url).searchParams.get("q"));
      const vector = queries[q % queries.length];
      if (vector === undefined) return new Response("bad q", { status: 400 });
      return Response.json({ hits: index.search(vector, { k: 10 }) });
    });
  } catch (err: unknown) {
    self.postMessage({ error: String(err) });
  }
};
