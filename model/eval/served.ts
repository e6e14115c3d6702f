/**
 * "MAKE as served": the ranking a user gets from GET /search, obtained by calling the
 * serve stage's Hono app in process (app.request) over the evaluation index and the
 * bundle's query encoder, with the app's default search tuning (lexical keyword boost and
 * the BM25 lexical channel of the index).
 */

import type { QueryEncoder } from "../../encode/mod.ts";
import type { VectorIndex } from "../../index/mod.ts";
import { createJsonLogger } from "../../log.ts";
import { Metrics } from "../../metrics.ts";
import { createApp } from "../../api/mod.ts";

/** Ranks queries through the HTTP app; `warnings` collects the app's warn/error log lines. */
export async function rankServed(
  index: VectorIndex,
  encoder: QueryEncoder,
  queries: readonly string[],
  options: { k: number; warnings: string[]; signal?: AbortSignal },
): Promise<string[][]> {
  const app = createApp({
    searcher: {
      ready: true,
      info: () => ({
        version: "eval",
        size: index.size,
        modelVersion: index.modelVersion,
      }),
      search: (vector, o) => index.search(vector, o),
      get: (id) => index.get(id),
      searchLexical: (text, o) => index.searchLexical(text, o),
    },
    encoder,
    stats: () => ({}),
    metrics: new Metrics(),
    log: createJsonLogger({
      level: "warn",
      write: (line) =>
        void (options.warnings.length < 100 && options.warnings.push(line)),
    }),
  });
  const k = Math.min(options.k, 100);
  const out: string[][] = [];
  for (const q of queries) {
    options.signal?.throwIfAborted();
    const res = await app.request(`/search?q=${encodeURIComponent(q)}&k=${k}`);
    const body = await res.json() as {
      hits?: { id: string }[];
      error?: unknown;
    };
    if (res.status !== 200 || !Array.isArray(body.hits)) {
      throw new Error(
        `Cannot search "${q}" through the app: status ${res.status}: ${
          JSON.stringify(body).slice(0, 200)
        }`,
      );
    }
    out.push(body.hits.map((h) => h.id));
  }
  return out;
}
