import assert from "node:assert/strict";
import { createMemoryLogger } from "../log.ts";
import { Metrics } from "../metrics.ts";
import type { AttrFilter, ProductRecord, SearchHit } from "../types.ts";
import { createApp } from "./app.ts";
import type { LexicalMatch, SearchTuning } from "./app_options.ts";
import type { SearchBody } from "./search_service.ts";
import { FakeQueryEncoder } from "./testing.ts";

const TARGET = "Crimson Velvet Evening Gown";

function rec(i: number, title: string): ProductRecord {
  return {
    id: `p${i}`,
    title,
    attrs: {},
    version: 1,
    weights: { title: 1, image: 0 },
    eventTimeMs: 0,
    indexedAtMs: 0,
  };
}

/**
 * The reviewer's case: the towers put the product whose title is the query at ANN
 * rank 61 (cosines fall 0.004 per rank); the lexical channel finds it with the match
 * BM25 gives every query token once in an average-length title (~0.48, measured on the
 * real index), and three products sharing one word.
 */
function searcher(options: { lexical: boolean }) {
  const hits: SearchHit[] = [];
  for (let i = 0; i < 100; i++) {
    const record = rec(i, i === 60 ? TARGET : `Red velvet sofa ${i}`);
    hits.push({ id: record.id, score: 0.9 - i * 0.004, record });
  }
  const lexicalCalls: { text: string; k: number; filters?: AttrFilter[] }[] =
    [];
  const lexical = (text: string, o: { k: number; filters?: AttrFilter[] }) => {
    lexicalCalls.push({ text, ...o });
    const found: LexicalMatch[] = [
      { id: "p60", score: 5.4, match: 0.48, record: hits[60]!.record },
      ...[3, 5, 7].map((i) => ({
        id: `p${i}`,
        score: 1.1,
        match: 0.1,
        record: hits[i]!.record,
      })),
    ];
    return found.slice(0, o.k);
  };
  return {
    lexicalCalls,
    searcher: {
      ready: true,
      info: () => ({ version: "v", size: hits.length }),
      search: (_v: Float32Array, o: { k: number }) => hits.slice(0, o.k),
      get: (id: string) => hits.find((h) => h.id === id)?.record,
      ...(options.lexical ? { searchLexical: lexical } : {}),
    },
  };
}

async function rankOf(
  query: string,
  options: {
    lexical: boolean;
    vocabulary: string[];
    tuning?: Partial<SearchTuning>;
  },
) {
  const { searcher: s, lexicalCalls } = searcher(options);
  const app = createApp({
    searcher: s,
    encoder: new FakeQueryEncoder({ vocabulary: options.vocabulary }),
    stats: () => ({}),
    metrics: new Metrics(),
    log: createMemoryLogger(),
    ...(options.tuning ? { tuning: options.tuning } : {}),
  });
  const res = await app.request(
    `/search?q=${encodeURIComponent(query)}&k=100&filter=colour:Red`,
  );
  assert.equal(res.status, 200);
  const body = await res.json() as SearchBody;
  const at = body.hits.findIndex((h) => h.id === "p60");
  return { rank: at + 1, body, lexicalCalls };
}

Deno.test("GET /search: an exact title of unknown words rises from ANN rank 61 into the top 3", async () => {
  const query = "crimson velvet evening gown";
  const before = await rankOf(query, { lexical: false, vocabulary: [] });
  assert.equal(before.rank, 61);
  const after = await rankOf(query, { lexical: true, vocabulary: [] });
  assert.ok(after.rank >= 1 && after.rank <= 3, `rank ${after.rank}`);
  assert.equal(after.body.hits[after.rank - 1]?.lexical, 0.48);
  assert.deepEqual(after.lexicalCalls, [{
    text: query,
    k: 500,
    filters: [{ attr: "colour", value: "Red" }],
  }]);
});

Deno.test("GET /search: the lexical weight is small when the words are vocabulary keywords", async () => {
  const query = "crimson velvet evening gown";
  const known = await rankOf(query, {
    lexical: true,
    vocabulary: ["crimson", "velvet", "evening", "gown"],
  });
  // all four words are keywords: boost 4 × 0.05, lexical weight only lexicalWeight 0.1
  const hit = known.body.hits[known.rank - 1];
  const want = 0.9 - 60 * 0.004 + 4 * 0.05 + 0.1 * 0.48;
  assert.ok(Math.abs((hit?.score ?? 0) - want) < 1e-9, `score ${hit?.score}`);
  assert.ok(known.rank > 3, `rank ${known.rank}`);
});

Deno.test("GET /search: without searchLexical or with zero lexical weights the ANN order stays", async () => {
  const query = "crimson velvet evening gown";
  const off = await rankOf(query, {
    lexical: true,
    vocabulary: [],
    tuning: { lexicalWeight: 0, lexicalUnknownWeight: 0 },
  });
  assert.equal(off.rank, 61);
  assert.deepEqual(off.lexicalCalls, []);
  assert.equal(off.body.hits[0]?.lexical, 0);
});

Deno.test("GET /search: a query vector of zeros still gets the lexical hits", async () => {
  const { searcher: s } = searcher({ lexical: true });
  const app = createApp({
    searcher: s,
    encoder: {
      encode: (qs: string[]) =>
        Promise.resolve(
          qs.map(() => ({ vector: new Float32Array(4), keywords: [] })),
        ),
    },
    stats: () => ({}),
    metrics: new Metrics(),
    log: createMemoryLogger(),
  });
  const res = await app.request("/search?q=crimson+gown&k=2");
  const body = await res.json() as SearchBody;
  assert.deepEqual(body.hits.map((h) => [h.id, h.lexical]), [
    ["p60", 0.48],
    ["p3", 0.1],
  ]);
  // no ANN pool: a lexical-only hit scores 0 + weight × match (weight 0.1 + 1.5 × 1)
  assert.ok(Math.abs((body.hits[0]?.score ?? 0) - 1.6 * 0.48) < 1e-9);
});
