import assert from "node:assert/strict";
import type { ProductRecord, SearchHit } from "../types.ts";
import type { AppOptions } from "./app_options.ts";
import { matchText, rerankByKeywords, unknownShare } from "./lexical_rerank.ts";
import { testApp } from "./_test_app.ts";

function hit(id: string, score: number, title: string, attrs = {}): SearchHit {
  const record: ProductRecord = {
    id,
    title,
    attrs,
    version: 1,
    weights: { title: 1, image: 0 },
    eventTimeMs: 0,
    indexedAtMs: 0,
  };
  return { id, score, record };
}

Deno.test("matchText() folds case, accents, punctuation and simple plurals", () => {
  assert.equal(matchText("Red-Dresses, CAFÉ"), " red dress cafe ");
  assert.equal(
    matchText("shoes watches boxes glass berries"),
    " shoe watch box glass berry ",
  );
  assert.equal(matchText("  "), " ");
  assert.equal(
    matchText("Größe 42"),
    " große 42 ",
  );
});

Deno.test("rerankByKeywords() lifts a close candidate that matches a keyword", () => {
  const hits = [
    hit("a", 0.9, "Blue dress"),
    hit("b", 0.88, "Red dress"),
    hit("c", 0.5, "Red red shoes"),
  ];
  const ranked = rerankByKeywords(hits, ["red"], { boost: 0.05, k: 3 });
  assert.deepEqual(ranked.map((r) => r.hit.id), ["b", "a", "c"]);
  assert.ok(Math.abs((ranked[0]?.score ?? 0) - 0.93) < 1e-9);
  assert.deepEqual(ranked[0]?.keywords, ["red"]);
  assert.deepEqual(ranked[1]?.keywords, []);
  assert.deepEqual(
    ranked[2]?.keywords,
    ["red"],
    "a keyword counts once per product",
  );
});

Deno.test("rerankByKeywords() keeps the ANN order with boost 0 or no keywords", () => {
  const hits = [hit("a", 0.9, "Blue dress"), hit("b", 0.88, "Red dress")];
  const noBoost = rerankByKeywords(hits, ["red"], { boost: 0, k: 2 });
  assert.deepEqual(noBoost.map((r) => r.hit.id), ["a", "b"]);
  assert.deepEqual(
    noBoost[1]?.keywords,
    ["red"],
    "matches are still explained",
  );
  const none = rerankByKeywords(hits, [], { boost: 0.05, k: 1 });
  assert.deepEqual(none.map((r) => [r.hit.id, r.score]), [["a", 0.9]]);
});

Deno.test("rerankByKeywords() matches whole tokens in the title and attribute values", () => {
  const hits = [
    hit("reddish", 0.9, "Reddish scarf"),
    hit("attr", 0.8, "Scarf", { color: "Navy Blue", size: 3 }),
    hit("split", 0.7, "Navy scarf", { color: "blue" }),
    hit("plural", 0.6, "Scarves and Dresses"),
  ];
  const ranked = rerankByKeywords(
    hits,
    ["red", "navy blue", "dress", "Dress"],
    { boost: 0.15, k: 4 },
  );
  const byId = Object.fromEntries(ranked.map((r) => [r.hit.id, r.keywords]));
  assert.deepEqual(byId, {
    reddish: [],
    attr: ["navy blue"],
    split: [],
    plural: ["dress"],
  });
  assert.deepEqual(ranked.map((r) => r.hit.id), [
    "attr",
    "reddish",
    "plural",
    "split",
  ]);
});

Deno.test("rerankByKeywords() breaks score ties by ANN order", () => {
  const hits = [hit("a", 0.5, "x"), hit("b", 0.5, "y"), hit("c", 0.5, "z")];
  assert.deepEqual(
    rerankByKeywords(hits, ["q"], { boost: 0.05, k: 3 }).map((r) => r.hit.id),
    ["a", "b", "c"],
  );
});

Deno.test("createApp() /search fetches a candidate pool and re-ranks it by keywords", async () => {
  const encoder: AppOptions["encoder"] = {
    encode: (qs) =>
      Promise.resolve(
        qs.map(() => ({ vector: new Float32Array([1, 0]), keywords: ["red"] })),
      ),
  };
  const products = [
    { id: "a", title: "Blue dress", vector: new Float32Array([1, 0]) },
    {
      id: "b",
      title: "Red dress",
      vector: new Float32Array([0.98, Math.sqrt(1 - 0.98 ** 2)]),
    },
    {
      id: "c",
      title: "Red coat",
      vector: new Float32Array([0.5, Math.sqrt(0.75)]),
    },
  ];
  const boosted = testApp({ encoder, products });
  const body = await (await boosted.app.request("/search?q=red+dress&k=2"))
    .json();
  assert.deepEqual(body.hits.map((h: { id: string }) => h.id), ["b", "a"]);
  assert.deepEqual(body.hits[0].keywords, ["red"]);
  assert.equal(boosted.searcher.searches[0]?.k, 50, "pool = max(k × 5, 50)");

  const plain = testApp({ encoder, products, tuning: { keywordBoost: 0 } });
  const plainBody = await (await plain.app.request("/search?q=red+dress&k=2"))
    .json();
  assert.deepEqual(plainBody.hits.map((h: { id: string }) => h.id), ["a", "b"]);
  assert.equal(plain.searcher.searches[0]?.k, 2, "no pool without a boost");

  const wide = testApp({
    encoder,
    products,
    tuning: { poolFactor: 20, maxPool: 30 },
  });
  await (await wide.app.request("/search?q=red&k=40")).json();
  assert.equal(wide.searcher.searches[0]?.k, 40, "pool never below k");
});

Deno.test("unknownShare() is the share of query tokens no keyword covers", () => {
  assert.equal(unknownShare("red dress", ["red", "dress"]), 0);
  assert.equal(unknownShare("Red Dresses", ["red", "dress"]), 0);
  assert.equal(unknownShare("crimson velvet gown", ["velvet"]), 2 / 3);
  assert.equal(unknownShare("navy blue chronograph", ["navy blue"]), 1 / 3);
  assert.equal(unknownShare("chronograph", []), 1);
  assert.equal(unknownShare("...", []), 0);
});
