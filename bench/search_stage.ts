/**
 * Item 3 of the bench: /search over HTTP on loopback with wrk, query encoding included
 * (the real query tower on the service's device), at several index sizes (synthetic
 * vectors, real query path), with the query-embedding cache off and on, against raw
 * in-process USearch search on the same index.
 * @module
 */
import type { Encoders } from "../encode/mod.ts";
import type { VectorIndex } from "../index/mod.ts";
import { createMemoryLogger } from "../log.ts";
import { Metrics } from "../metrics.ts";
import { createApp } from "../api/mod.ts";
import { listen, type Listener } from "../listen.ts";
import { perSecond } from "./_stats.ts";
import { runWrk, type WrkResult } from "./_wrk.ts";

/** Shopper-style queries; several contain vocabulary keywords (lexical re-rank path). */
export const QUERIES = [
  "red dress",
  "black leather boots",
  "navy cotton shirt",
  "running shoes",
  "white sneakers women",
  "wool scarf grey",
  "denim jacket",
  "silk evening gown",
  "kids rain coat yellow",
  "striped summer dress",
  "brown leather belt",
  "green hoodie",
] as const;

/** One index size. */
export interface SearchRow {
  readonly size: number;
  /** In-process `index.search(k=10)` on cached query vectors, one thread. */
  readonly rawQps: number;
  /** The same with k=50, the candidate pool /search fetches when keywords are found. */
  readonly rawPoolQps: number;
  /** Cache off (every request encodes its query): one connection, then many. */
  readonly uncached: WrkResult[];
  /** Cache on (queries encoded once). */
  readonly cached: WrkResult[];
}

/** Options of {@linkcode runSearchSize}. */
export interface SearchStageOptions {
  readonly seconds: number;
  readonly connections: readonly number[];
  readonly progress: (line: string) => void;
}

function rawQps(
  index: VectorIndex,
  vectors: readonly Float32Array[],
  k: number,
): number {
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < 1000) {
    index.search(vectors[n % vectors.length]!, { k });
    n++;
  }
  return perSecond(n, performance.now() - t0);
}

async function serve(
  index: VectorIndex,
  encoders: Encoders,
  cacheSize: number,
): Promise<Listener> {
  const app = createApp({
    searcher: {
      ready: true,
      info: () => ({
        version: "bench",
        size: index.size,
        modelVersion: index.modelVersion,
      }),
      search: (vector, options) => index.search(vector, options),
      get: (id) => index.get(id),
    },
    encoder: encoders.query,
    stats: () => ({}),
    metrics: new Metrics(),
    log: createMemoryLogger(),
    tuning: { queryCacheSize: cacheSize },
  });
  const server = listen(app.fetch, { hostname: "127.0.0.1", port: 0 });
  const check = await fetch(`${server.url}/search?q=red+dress`);
  if (check.status !== 200) {
    const body = await check.text();
    await server.stop();
    throw new Error(`Cannot bench /search: status ${check.status}: ${body}`);
  }
  await check.body?.cancel();
  return server;
}

/** Measures one index size. The index's dims must match the query encoder's. */
export async function runSearchSize(
  index: VectorIndex,
  encoders: Encoders,
  options: SearchStageOptions,
): Promise<SearchRow> {
  const vectors = (await encoders.query.encode([...QUERIES], {})).map((q) =>
    q.vector
  );
  const runs = async (cacheSize: number) => {
    await using server = await serve(index, encoders, cacheSize);
    const out: WrkResult[] = [];
    for (const connections of options.connections) {
      options.progress(
        `search: ${index.size} products, cache ${
          cacheSize > 0 ? "on" : "off"
        }, ${connections} connection(s)`,
      );
      out.push(
        await runWrk(server.url, QUERIES, {
          connections,
          seconds: options.seconds,
        }),
      );
    }
    return out;
  };
  // Raw QPS is taken before and after the HTTP runs and the better kept (fair to raw).
  rawQps(index, vectors, 10);
  const raw = [rawQps(index, vectors, 10), rawQps(index, vectors, 50)];
  const uncached = await runs(0);
  const cached = await runs(1024);
  return {
    size: index.size,
    rawQps: Math.max(raw[0]!, rawQps(index, vectors, 10)),
    rawPoolQps: Math.max(raw[1]!, rawQps(index, vectors, 50)),
    uncached,
    cached,
  };
}
