/**
 * Search on every core, measured (issue 15): the same index served over HTTP by the main
 * thread alone, by the main thread with searches sent to {@linkcode SearchReplicas} (one
 * Worker replica per core), and by one Worker per core that serves HTTP itself on a
 * shared port (`reusePort`, as `deno serve --parallel` does) from its own copy of the
 * snapshot; wrk at 1 and 8 connections, the servers interleaved; then how soon a write
 * made by the writer is found by a replica's search (freshness). Queries are
 * precomputed vectors (the /search query cache warm), so the figures isolate index
 * search, HTTP and JSON.
 * @module
 */
import {
  createUsearchIndex,
  saveSnapshot,
  SearchReplicas,
  type VectorIndex,
} from "../index/mod.ts";
import type { SearchHit } from "../types.ts";
import { round, summarize } from "./_stats.ts";
import { runWrk, type WrkResult } from "./_wrk.ts";
import { fill, syntheticSet } from "./sweep_stage.ts";

/** One server variant under wrk. */
export interface ReplicaRun {
  readonly variant: "main thread" | "replicas" | "worker servers";
  readonly runs: WrkResult[];
}

/** Results of {@linkcode runReplicasStage}. */
export interface ReplicasResults {
  readonly n: number;
  readonly workers: number;
  readonly loadAvg: number[];
  readonly variants: ReplicaRun[];
  /** Writer upsert → found by a replica's search, ms. */
  readonly freshnessMs: { p50: number; p99: number; max: number; n: number };
}

/** Options of {@linkcode runReplicasStage}. */
export interface ReplicasOptions {
  readonly n: number;
  readonly dims: number;
  readonly seconds: number;
  readonly connections: readonly number[];
  readonly progress: (line: string) => void;
}

type Search = (q: Float32Array) => SearchHit[] | Promise<SearchHit[]>;

async function serve(queries: Float32Array[], search: Search) {
  const stop = new AbortController();
  const ready = Promise.withResolvers<number>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    signal: stop.signal,
    onListen: ({ port }) => ready.resolve(port),
  }, async (req) => {
    const q = Number(new URL(req.url).searchParams.get("q"));
    const vector = queries[q % queries.length];
    if (vector === undefined) return new Response("bad q", { status: 400 });
    const hits = await search(vector);
    return Response.json({ hits });
  });
  const url = `http://127.0.0.1:${await ready.promise}`;
  return {
    url,
    async [Symbol.asyncDispose]() {
      stop.abort();
      await server.finished;
    },
  };
}

/** Runs the stage; see the module doc. */
export async function runReplicasStage(
  o: ReplicasOptions,
): Promise<ReplicasResults> {
  const workers = navigator.hardwareConcurrency || 1;
  o.progress(`replicas: ${o.n}-product index and its snapshot`);
  const set = syntheticSet(o.n, 200, o.dims);
  using index = fill(
    createUsearchIndex({
      dims: o.dims,
      modelVersion: "bench",
      initialCapacity: o.n,
      bulkThreads: 0,
    }),
    set,
  );
  const queries = Array.from(
    { length: 200 },
    (_, i) => set.queries.slice(i * o.dims, (i + 1) * o.dims),
  );
  const dir = await Deno.makeTempDir({ prefix: "bench-replicas-" });
  try {
    await saveSnapshot(index, dir);
    await using pool = await SearchReplicas.create({
      workers,
      snapshotsDir: dir,
      dims: o.dims,
    });
    await using servers = await workerServers(dir, queries, pool.workers);
    const variants = await wrkRuns(index, pool, servers.url, queries, o);
    o.progress("replicas: freshness of writes");
    const freshnessMs = await freshness(index, pool, o.dims);
    return {
      n: o.n,
      workers,
      loadAvg: Deno.loadavg().map((v) => round(v)),
      variants,
      freshnessMs,
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** One Worker per core, each serving /search on the same port from the snapshot. */
async function workerServers(
  dir: string,
  queries: Float32Array[],
  count: number,
) {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const workers = Array.from(
    { length: count },
    () =>
      new Worker(new URL("./_serve_worker.ts", import.meta.url), {
        type: "module",
      }),
  );
  const close = () => workers.forEach((w) => w.terminate());
  try {
    await Promise.all(
      workers.map((w) =>
        new Promise<void>((resolve, reject) => {
          w.onmessage = (e: MessageEvent<{ ready?: true; error?: string }>) =>
            e.data.ready ? resolve() : reject(new Error(e.data.error));
          w.onerror = (e) => {
            e.preventDefault();
            reject(
              new Error(`Cannot start a search server Worker: ${e.message}`),
            );
          };
          w.postMessage({ dir, port, queries });
        })
      ),
    );
  } catch (err: unknown) {
    close();
    throw err;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    [Symbol.asyncDispose]: () => Promise.resolve(close()),
  };
}

async function wrkRuns(
  index: VectorIndex,
  pool: SearchReplicas,
  workersUrl: string,
  queries: Float32Array[],
  o: ReplicasOptions,
): Promise<ReplicaRun[]> {
  const names = queries.map((_, i) => String(i));
  const main: WrkResult[] = [];
  const replicas: WrkResult[] = [];
  const servers: WrkResult[] = [];
  await using inThread = await serve(
    queries,
    (q) => index.search(q, { k: 10 }),
  );
  await using offThread = await serve(
    queries,
    (q) => pool.search(q, { k: 10 }),
  );
  // Interleaved per connection count, so the variants see the same machine load.
  for (const connections of o.connections) {
    for (
      const [name, url, out] of [
        ["main thread", inThread.url, main],
        ["replicas", offThread.url, replicas],
        ["worker servers", workersUrl, servers],
      ] as const
    ) {
      o.progress(`replicas: ${name}, ${connections} connection(s)`);
      out.push(
        await runWrk(url, names, { connections, seconds: o.seconds }),
      );
    }
  }
  return [
    { variant: "main thread", runs: main },
    { variant: "replicas", runs: replicas },
    { variant: "worker servers", runs: servers },
  ];
}

/** Upserts 200 products through the writer and times until a replica returns each. */
async function freshness(
  index: VectorIndex,
  pool: SearchReplicas,
  dims: number,
): Promise<ReplicasResults["freshnessMs"]> {
  const fresh = syntheticSet(200, 0, dims);
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const vector = fresh.vectors.slice(i * dims, (i + 1) * dims);
    const record = {
      id: `fresh${i}`,
      title: `fresh ${i}`,
      attrs: {},
      version: 1,
      weights: { title: 0.5, image: 0.5 },
      eventTimeMs: 0,
      indexedAtMs: 0,
    };
    const t0 = performance.now();
    index.upsert(record, vector);
    pool.upsert(record, vector);
    for (;;) {
      const hits = await pool.search(vector, { k: 1 });
      if (hits[0]?.id === record.id) break;
    }
    times.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 5));
  }
  const s = summarize(times);
  return { p50: s.p50, p99: s.p99, max: s.max, n: s.n };
}
