import assert from "node:assert/strict";
import { createRng } from "../_kernels.ts";
import { keywordQuery, satisfies } from "./batch.ts";
import { MemoryBank } from "./memory_bank.ts";
import { buildVocabulary } from "./vocabulary.ts";

const ATTRS = {
  type: "dress",
  colour: "navy",
  colourFamily: "blue",
  pattern: "solid",
  material: "cotton",
  gender: "women",
  brand: "Feyra",
  category: "fashion",
};

Deno.test("keywordQuery() names existing attributes, never solid, one colour word", () => {
  const rng = createRng(1);
  for (let i = 0; i < 200; i++) {
    const pairs = keywordQuery(ATTRS, rng);
    assert.ok(pairs.length >= 1);
    assert.ok(satisfies(ATTRS, pairs));
    assert.ok(!pairs.some(([k]) => k === "pattern"));
    const keys = pairs.map(([k]) => k);
    assert.ok(!(keys.includes("colour") && keys.includes("colourFamily")));
  }
  assert.deepEqual(keywordQuery({ pattern: "solid" }, rng), []);
});

Deno.test("satisfies() requires every pair", () => {
  assert.ok(satisfies(ATTRS, [["type", "dress"], ["colourFamily", "blue"]]));
  assert.ok(!satisfies(ATTRS, [["type", "dress"], ["colour", "red"]]));
  assert.ok(satisfies(ATTRS, []));
});

Deno.test("buildVocabulary() collects attribute values and extra terms once, typed", () => {
  const vocab = buildVocabulary(
    [{ id: "a", title: "x", attrs: ATTRS }, {
      id: "b",
      title: "y",
      attrs: { ...ATTRS, colour: "red" },
    }],
    [{ term: "Navy Blue", type: "colour" }, { term: "navy", type: "brand" }],
  );
  const terms = vocab.keywords.map((k) => `${k.type}:${k.term}`);
  assert.ok(terms.includes("colour:navy"));
  assert.ok(terms.includes("colour:red"));
  assert.ok(terms.includes("colour:blue"));
  assert.ok(terms.includes("colour:navy blue"));
  assert.ok(terms.includes("brand:feyra"));
  assert.ok(!terms.includes("pattern:solid"));
  assert.ok(!terms.includes("brand:navy"));
  assert.equal(
    new Set(vocab.keywords.map((k) => k.term)).size,
    vocab.keywords.length,
  );
});

Deno.test("MemoryBank keeps the most recent vectors up to capacity", () => {
  const bank = new MemoryBank(3, 2);
  bank.push(Float32Array.of(1, 1, 2, 2), Int32Array.of(10, 20));
  assert.equal(bank.size, 2);
  bank.push(Float32Array.of(3, 3, 4, 4), Int32Array.of(30, 40));
  assert.equal(bank.size, 3);
  assert.deepEqual([...bank.productRows()].sort(), [20, 30, 40]);
  assert.ok(!bank.vectors().includes(1));
  assert.throws(() => new MemoryBank(-1, 2), RangeError);
});
