import assert from "node:assert/strict";
import {
  buildVocabulary,
  cappedRecall,
  KernelRidge,
  queriesFromKeys,
  randomRecall,
  recallByKind,
  seededSplit,
  subMatrix,
} from "./_sweep_eval.ts";

Deno.test("KernelRidge.predict() matches closed-form ridge regression", async () => {
  await using ridge = await KernelRidge.create(1);
  // One feature x = 1, 2, 3 with targets 1, 2, 3: w = Σxy / (Σx² + λ) = 14 / 15.
  const k = await ridge.gram(Float64Array.of(1, 2, 3), 3);
  assert.deepEqual([...k], [1, 2, 3, 2, 4, 6, 3, 6, 9]);
  const p = await ridge.predict(
    k,
    Float64Array.of(4, 8, 12),
    Float64Array.of(1, 2, 3),
    1,
  );
  assert.equal(p.length, 1);
  assert.ok(Math.abs((p[0] ?? 0) - 4 * 14 / 15) < 1e-9, `got ${p[0]}`);
  // Two target columns are solved independently.
  const two = await ridge.predict(
    k,
    Float64Array.of(4, 8, 12),
    Float64Array.of(1, 0, 2, 0, 3, 1),
    1,
  );
  assert.ok(Math.abs((two[0] ?? 0) - 4 * 14 / 15) < 1e-9);
  assert.ok(Math.abs((two[1] ?? 0) - 4 * 3 / 15) < 1e-9);
  await assert.rejects(
    () => ridge.predict(k, Float64Array.of(1, 2), Float64Array.of(1, 2, 3), 1),
    /kernel shapes do not agree/,
  );
});

Deno.test("KernelRidge.gram() multiplies rows", async () => {
  await using ridge = await KernelRidge.create(1);
  const g = await ridge.gram(Float64Array.of(1, 2, 3, 4), 2);
  assert.deepEqual([...g], [5, 11, 11, 25]);
  assert.deepEqual([...subMatrix(g, 2, [1], [0, 1])], [11, 25]);
});

Deno.test("cappedRecall() divides hits by min(k, relevant) and breaks ties by rank", () => {
  const scores = [0.9, 0.1, 0.5, 0.7];
  const none = [0, 0, 0, 0];
  assert.equal(cappedRecall(scores, [1, 2], none, 2), 0);
  assert.equal(cappedRecall(scores, [1, 2], none, 3), 0.5);
  assert.equal(cappedRecall(scores, [0], none, 3), 1);
  assert.equal(cappedRecall([1, 1, 1, 1], [3], [3, 2, 1, 0], 1), 1);
  assert.equal(cappedRecall([1, 1, 1, 1], [3], [0, 1, 2, 3], 1), 0);
  assert.throws(() => cappedRecall(scores, [], none), /no relevant items/);
});

Deno.test("randomRecall() is the expected recall of a random ranking", () => {
  assert.ok(Math.abs(randomRecall(5, 100) - 0.1) < 1e-12);
  assert.ok(Math.abs(randomRecall(20, 100) - 0.2) < 1e-12);
  assert.equal(randomRecall(3, 5), 1);
});

Deno.test("queriesFromKeys() groups items by key and maps words to the vocabulary", () => {
  const vocab = buildVocabulary(
    ["White Chair", "white table", "Black chair"],
    2,
  );
  assert.deepEqual([...vocab.keys()], ["chair", "white"]);
  const items = [{ c: "White", t: "Chair" }, { c: "Black", t: "Chair" }, {
    c: "White",
    t: "Table",
  }];
  const queries = queriesFromKeys(items, (i) => [
    { text: i.t, kind: "type" },
    { text: `${i.c} ${i.t}`, kind: "colour+type" },
  ], vocab);
  const chair = queries.find((q) => q.text === "chair");
  assert.deepEqual(chair?.relevant, [0, 1]);
  assert.deepEqual(chair?.words, [0]);
  const whiteTable = queries.find((q) => q.text === "white table");
  assert.deepEqual(whiteTable?.words, [1]);
  assert.equal(whiteTable?.kind, "colour+type");
  assert.equal(queries.length, 5);
});

Deno.test("seededSplit() is a reproducible partition", () => {
  const a = seededSplit(10, 0.6, 7);
  assert.deepEqual(a, seededSplit(10, 0.6, 7));
  assert.equal(a.first.length, 6);
  assert.deepEqual([...a.first, ...a.rest].sort((x, y) => x - y), [
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
  ]);
});

Deno.test("recallByKind() sums word scores per query and averages per kind", () => {
  // 12 items, one word column, scores 11..0: item 0 ranks first, item 11 last.
  const predicted = Float64Array.from({ length: 12 }, (_, i) => 11 - i);
  const ties = new Float64Array(12);
  const recall = recallByKind(predicted, new Map([[5, 0]]), [
    { text: "a", kind: "first", words: [5], relevant: [11] },
    { text: "b", kind: "second", words: [5], relevant: [0] },
    { text: "c", kind: "second", words: [5, 5], relevant: [9, 10] },
  ], ties);
  assert.equal(recall.get("first"), 0);
  assert.equal(recall.get("second"), (1 + 0.5) / 2);
  assert.equal(recall.get("all"), 1.5 / 3);
  assert.throws(
    () =>
      recallByKind(predicted, new Map(), [{
        text: "d",
        kind: "x",
        words: [1],
        relevant: [0],
      }], ties),
    RangeError,
  );
});
