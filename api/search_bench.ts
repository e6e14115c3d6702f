/**
 * Benchmarks of the HTTP search path with a constant-time fake index, so the figures
 * are the app's own cost: routing, validation, encode call, pool fetch, lexical
 * re-rank, JSON. Run: `deno bench -A api/search_bench.ts`.
 * @module
 */

import { createMemoryLogger } from "../log.ts";
import { Metrics } from "../metrics.ts";
import { createApp } from "./app.ts";
import { productMatchText, rerankByKeywords } from "./lexical_rerank.ts";
import { parseSearchParams } from "./search_request.ts";
import { DEFAULT_LIMITS } from "./app_options.ts";
import { cannedSearcher, fixedVectorEncoder } from "./testing.ts";

const app = createApp({
  searcher: cannedSearcher(1000),
  encoder: fixedVectorEncoder(),
  stats: () => ({}),
  metrics: new Metrics(),
  log: createMemoryLogger(),
});

Deno.bench("GET /healthz (baseline)", { group: "http" }, async () => {
  await (await app.request("/healthz")).arrayBuffer();
});

Deno.bench("GET /search k=10, 2 keywords (pool 50 + re-rank)", {
  group: "http",
  baseline: true,
}, async () => {
  await (await app.request("/search?q=red+dress&k=10")).arrayBuffer();
});

Deno.bench(
  "GET /search k=10, no keywords (no pool)",
  { group: "http" },
  async () => {
    await (await app.request("/search?q=something+else&k=10")).arrayBuffer();
  },
);

Deno.bench(
  "GET /search k=100, 2 keywords (pool 500)",
  { group: "http" },
  async () => {
    await (await app.request("/search?q=navy+blue+jacket&k=100")).arrayBuffer();
  },
);

const postBody = JSON.stringify({
  query: "red dress",
  k: 10,
  filters: { category: "dress" },
});
Deno.bench("POST /search k=10 with a filter", { group: "http" }, async () => {
  const res = await app.request("/search", { method: "POST", body: postBody });
  await res.arrayBuffer();
});

Deno.bench("GET /search 400 (bad k)", { group: "http" }, async () => {
  await (await app.request("/search?q=red&k=0")).arrayBuffer();
});

const pool = cannedSearcher(50).search(new Float32Array(1), { k: 50 });
const texts = new Map(pool.map((h) => [h.record, productMatchText(h.record)]));
Deno.bench(
  "rerankByKeywords() 50 candidates, 2 keywords, cached texts",
  { group: "parts" },
  () => {
    rerankByKeywords(pool, ["red", "dress"], {
      boost: 0.05,
      k: 10,
      textOf: (r) => texts.get(r) ?? "",
    });
  },
);

Deno.bench(
  "rerankByKeywords() 50 candidates, 2 keywords, uncached",
  { group: "parts" },
  () => {
    rerankByKeywords(pool, ["red", "dress"], { boost: 0.05, k: 10 });
  },
);

const params = new URLSearchParams(
  "q=red+dress&k=10&filter=color:red&filter=brand:Brand3",
);
Deno.bench("parseSearchParams() q, k, 2 filters", { group: "parts" }, () => {
  parseSearchParams(params, DEFAULT_LIMITS);
});
