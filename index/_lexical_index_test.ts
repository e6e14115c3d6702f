import assert from "node:assert/strict";
import { LexicalIndex } from "./_lexical_index.ts";
import { record } from "./_test_util.ts";

function titled(i: number, title: string) {
  return record(i, { title, attrs: {} });
}

function close(actual: number | undefined, expected: number): void {
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) < 1e-9,
    `${actual} ≠ ${expected}`,
  );
}

const live = (dead: ReadonlySet<number> = new Set()) => ({
  k: 10,
  accept: (row: number) => !dead.has(row),
});

Deno.test("LexicalIndex.search() scores BM25 as computed by hand", () => {
  const index = new LexicalIndex();
  index.add(0, titled(0, "red dress"));
  index.add(1, titled(1, "red shoe"));
  index.add(2, titled(2, "blue dress dresses"));
  // N 3, avgdl 7/3, "dress": df 2, idf ln(1 + 1.5/2.5) = 0.470004
  const dress = index.search(["dress"], live());
  assert.deepEqual(dress.rows, [2, 0]);
  close(dress.scores[0], 0.5981864372218454); // tf 2, dl 3
  close(dress.scores[1], 0.4991762683023676); // tf 1, dl 2
  close(dress.bound, 0.47000362924573563 * 2.2);
  // "blue": df 1, idf ln(1 + 2.5/1.5); the bound sums both tokens
  const both = index.search(["red", "blue"], live());
  assert.deepEqual(both.rows, [2, 0, 1]);
  close(both.scores[0], 0.8781843311849177);
  close(both.bound, 3.191832340966416);
  assert.deepEqual(index.search(["green"], live()).rows, []);
});

Deno.test("LexicalIndex.remove() updates df, N and lengths; accept hides stale rows", () => {
  const index = new LexicalIndex();
  index.add(0, titled(0, "red dress"));
  index.add(1, titled(1, "red shoe"));
  index.add(2, titled(2, "blue dress dresses"));
  index.remove(2, titled(2, "blue dress dresses"));
  assert.equal(index.size, 2);
  assert.equal(index.documentFrequency("dress"), 1);
  assert.equal(index.documentFrequency("blue"), 0);
  // N 2, avgdl 2, "dress": df 1, idf ln 2; tf 1 at the average length: score = idf
  const hits = index.search(["dress", "blue"], live(new Set([2])));
  assert.deepEqual(hits.rows, [0]);
  close(hits.scores[0], Math.LN2);
  close(hits.bound, Math.LN2 * 2.2);
});

Deno.test("LexicalIndex.search() keeps k, counts repeated query tokens once, breaks ties by row", () => {
  const index = new LexicalIndex();
  for (let i = 0; i < 5; i++) index.add(i, titled(i, "same words"));
  const once = index.search(["same"], { k: 3, accept: () => true });
  const twice = index.search(["same", "same"], { k: 3, accept: () => true });
  assert.deepEqual(once.rows, [0, 1, 2]);
  assert.deepEqual(twice, once);
  const odd = index.search(["same"], { k: 5, accept: (r) => r % 2 === 1 });
  assert.deepEqual(odd.rows, [1, 3]);
});

Deno.test("LexicalIndex.memoryBytes grows with postings and keeps stale ones until rebuilt", () => {
  const index = new LexicalIndex();
  const empty = index.memoryBytes;
  index.add(0, titled(0, "red dress with pockets"));
  const one = index.memoryBytes;
  assert.ok(one > empty);
  index.remove(0, titled(0, "red dress with pockets"));
  assert.equal(index.memoryBytes, one);
  assert.equal(index.size, 0);
});
