import assert from "node:assert/strict";
import type { ProductRecord, SearchHit } from "../types.ts";
import type { LexicalMatch } from "./app_options.ts";
import { fuseChannels } from "./hybrid_fusion.ts";
import { rerankByKeywords } from "./lexical_rerank.ts";

function rec(id: string, title: string): ProductRecord {
  return {
    id,
    title,
    attrs: {},
    version: 1,
    weights: { title: 1, image: 0 },
    eventTimeMs: 0,
    indexedAtMs: 0,
  };
}
const ann = (id: string, score: number, title = id): SearchHit => ({
  id,
  score,
  record: rec(id, title),
});
const lex = (id: string, match: number, title = id): LexicalMatch => ({
  id,
  score: match * 10,
  match,
  record: rec(id, title),
});
const OPTS = { keywordBoost: 0.05, lexicalWeight: 0.5, k: 10 };

Deno.test("fuseChannels() adds lexicalWeight × match to the ANN score", () => {
  const ranked = fuseChannels(
    [ann("a", 0.9), ann("b", 0.8), ann("c", 0.7)],
    [lex("c", 0.5), lex("b", 0.1)],
    [],
    OPTS,
  );
  assert.deepEqual(ranked.map((r) => r.hit.id), ["c", "a", "b"]);
  assert.deepEqual(ranked.map((r) => r.score), [0.95, 0.9, 0.8 + 0.05]);
  assert.deepEqual(ranked.map((r) => r.lexical), [0.5, 0, 0.1]);
});

Deno.test("fuseChannels() scores a lexical-only product at the lowest ANN cosine", () => {
  const ranked = fuseChannels(
    [ann("a", 0.9), ann("b", 0.6)],
    [lex("z", 0.4)],
    [],
    OPTS,
  );
  assert.deepEqual(ranked.map((r) => [r.hit.id, r.score]), [
    ["a", 0.9],
    ["z", 0.6 + 0.5 * 0.4],
    ["b", 0.6],
  ]);
  const alone = fuseChannels([], [lex("z", 0.4), lex("y", 0.2)], [], OPTS);
  assert.deepEqual(alone.map((r) => [r.hit.id, r.score]), [
    ["z", 0.2],
    ["y", 0.1],
  ]);
});

Deno.test("fuseChannels() with weight 0 or no lexical hits equals the keyword re-rank", () => {
  const hits = [ann("a", 0.9, "Blue dress"), ann("b", 0.88, "Red dress")];
  const want = rerankByKeywords(hits, ["red"], { boost: 0.05, k: 1 });
  assert.deepEqual(fuseChannels(hits, [], ["red"], { ...OPTS, k: 1 }), want);
  assert.deepEqual(
    fuseChannels(hits, [lex("z", 0.9)], ["red"], {
      ...OPTS,
      lexicalWeight: 0,
      k: 1,
    }).map((r) => r.hit.id),
    want.map((r) => r.hit.id),
  );
});

Deno.test("fuseChannels() combines keyword boost and lexical match; ties keep the keyword re-rank order", () => {
  const ranked = fuseChannels(
    [ann("a", 0.8, "Blue dress"), ann("b", 0.8, "Red dress"), ann("c", 0.8)],
    [lex("a", 0.1), lex("c", 0.1)],
    ["red"],
    { keywordBoost: 0.05, lexicalWeight: 0.5, k: 2 },
  );
  // all three score 0.85: b by its keyword, a and c by their lexical match
  assert.deepEqual(ranked.map((r) => r.hit.id), ["b", "a"]);
  assert.deepEqual(ranked.map((r) => r.keywords), [["red"], []]);
});
