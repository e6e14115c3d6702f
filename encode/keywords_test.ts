import assert from "node:assert/strict";
import {
  enhanceQuery,
  KeywordMatcher,
  type KeywordVocabulary,
  parseKeywordVocabulary,
  singularise,
} from "./keywords.ts";

const VOCAB: KeywordVocabulary = {
  keywords: [
    { term: "navy blue", type: "colour" },
    { term: "navy", type: "colour" },
    { term: "blue", type: "colour" },
    { term: "dress", type: "type" },
    { term: "running shoes", type: "type" },
    { term: "t-shirt", type: "type" },
    { term: "accessory", type: "category" },
    { term: "Navy", type: "brand" },
  ],
};

Deno.test("KeywordMatcher.match() prefers the longest term at each position", () => {
  const matcher = new KeywordMatcher(VOCAB);
  assert.equal(matcher.size, 7);
  const hits = matcher.match("Navy Blue dresses for summer");
  assert.deepEqual(hits, [
    { term: "navy blue", type: "colour", start: 0, end: 2 },
    { term: "dress", type: "type", start: 2, end: 3 },
  ]);
  assert.deepEqual(matcher.terms("navy dress, blue"), [
    "navy",
    "dress",
    "blue",
  ]);
});

Deno.test("KeywordMatcher.match() matches plurals and normalised punctuation", () => {
  const matcher = new KeywordMatcher(VOCAB);
  assert.deepEqual(matcher.terms("RUNNING SHOE"), ["running shoes"]);
  assert.deepEqual(matcher.terms("cheap T Shirts"), ["t-shirt"]);
  assert.deepEqual(matcher.terms("accessories"), ["accessory"]);
  assert.deepEqual(matcher.terms("nothing here"), []);
  assert.deepEqual(matcher.terms(""), []);
});

Deno.test("singularise() keeps words that are not plural", () => {
  assert.equal(singularise("dress"), "dress");
  assert.equal(singularise("dresses"), "dress");
  assert.equal(singularise("watches"), "watch");
  assert.equal(singularise("bags"), "bag");
  assert.equal(singularise("bus"), "bus");
  assert.equal(singularise("red"), "red");
});

Deno.test("parseKeywordVocabulary() accepts valid and rejects malformed input", () => {
  assert.deepEqual(parseKeywordVocabulary(VOCAB), VOCAB);
  assert.throws(() => parseKeywordVocabulary({}), TypeError);
  assert.throws(() => parseKeywordVocabulary(null), TypeError);
  assert.throws(
    () => parseKeywordVocabulary({ keywords: [{ term: "", type: "x" }] }),
    /keywords\[0\]\.term/,
  );
  assert.throws(
    () => parseKeywordVocabulary({ keywords: [{ term: "red" }] }),
    /keywords\[0\]\.type/,
  );
});

Deno.test("enhanceQuery() adds alpha times the mean keyword vector and normalises", () => {
  const q = new Float32Array([1, 0, 0]);
  assert.equal(enhanceQuery(q, [], 0.5), q);
  const out = enhanceQuery(q, [
    new Float32Array([0, 1, 0]),
    new Float32Array([0, 0, 1]),
  ], 0.5);
  const expected = [1, 0.25, 0.25];
  const norm = Math.hypot(...expected);
  expected.forEach((v, i) =>
    assert.ok(Math.abs((out[i] ?? 0) - v / norm) < 1e-6)
  );
  assert.deepEqual(q, new Float32Array([1, 0, 0]));
  assert.throws(
    () => enhanceQuery(q, [new Float32Array(2)], 0.5),
    RangeError,
  );
});
