import assert from "node:assert/strict";
import {
  formatSummary,
  formatTables,
  formatTagSummary,
  scoreSystem,
} from "./report.ts";
import type { EvalQuery } from "./data.ts";

const queries: EvalQuery[] = [
  { qid: "1", query: "dress", relevant: ["a", "b"], imageOnly: [], tags: [] },
  {
    qid: "2",
    query: "red dress",
    relevant: ["a", "c"],
    imageOnly: ["c"],
    tags: ["colour"],
  },
];

Deno.test("scoreSystem() groups by word count and scores image-only colour queries", () => {
  const r = scoreSystem("s", queries, [["a", "x", "b"], ["a", "x", "c"]]);
  assert.equal(r.groups.all.queries, 2);
  assert.equal(r.groups["1 word"].queries, 1);
  assert.equal(r.groups["2 words"].queries, 1);
  assert.equal(r.groups["3 words"].queries, 0);
  // "red dress": "a" (colour in title) is removed, so "c" moves to rank 2
  assert.equal(r.groups["colour in image only"].queries, 1);
  assert.equal(r.groups["colour in image only"].metrics.mrr10, 1 / 2);
  assert.equal(r.groups["1 word"].metrics.recall10, 1);
  assert.equal(r.groups.all.metrics.mrr10, 1);
});

Deno.test("scoreSystem() scores image-only colour queries among their candidates", () => {
  const typed: EvalQuery[] = [{
    qid: "1",
    query: "red dress",
    relevant: ["a", "c"],
    imageOnly: ["c"],
    tags: [],
    candidates: ["a", "b", "c"],
  }];
  // "x" is another type: gone from the same-type ranking, so "c" comes first there
  const r = scoreSystem("s", typed, [["a", "x", "b", "c"]]);
  assert.equal(r.groups["colour in image only"].metrics.mrr10, 1 / 3);
  assert.equal(r.groups["colour in image only, same type"].queries, 1);
  assert.equal(
    r.groups["colour in image only, same type"].metrics.mrr10,
    1 / 2,
  );
  assert.match(formatSummary([r]), /img colour in type \(1\)/);
  // without candidates the group stays empty and out of the tables
  const plain = scoreSystem("s", queries, [["a"], ["c"]]);
  assert.equal(plain.groups["colour in image only, same type"].queries, 0);
  assert.doesNotMatch(formatSummary([plain]), /in type/);
  assert.doesNotMatch(formatTables([plain]), /same type/);
});

Deno.test("scoreSystem() rejects a ranking count mismatch", () => {
  assert.throws(() => scoreSystem("s", queries, [[]]), RangeError);
});

Deno.test("formatTables() prints one row per system in percent", () => {
  const text = formatTables([scoreSystem("bm25", queries, [["a"], ["c"]])], [
    "all",
  ]);
  assert.match(text, /all \(2 queries\)/);
  // capped recall: ["a"] finds 1 of 2 for "dress", ["c"] 1 of 2 for "red dress"
  assert.match(
    text,
    /\| bm25 +\| +50\.0 \| +50\.0 \| +100\.0 \| +61\.3 \|/,
  );
});

Deno.test("formatSummary() prints one metric per query group", () => {
  const text = formatSummary(
    [scoreSystem("bm25", queries, [["a"], ["c"]])],
    "mrr10",
  );
  assert.match(
    text,
    /\| system \| all \(2\) \| 1 w \(1\) \| 2 w \(1\) \| 3 w \(0\) \| 4\+ w \(0\) \| img colour \(1\) \|/,
  );
  assert.match(
    text,
    /\| bm25 +\| +100\.0 \| +100\.0 \| +100\.0 \| +0\.0 \| +0\.0 \| +100\.0 \|/,
  );
});

Deno.test("scoreSystem() groups by query tag", () => {
  const r = scoreSystem("s", queries, [["x", "a"], ["a", "x", "c"]]);
  assert.deepEqual(Object.keys(r.tags), ["colour"]);
  assert.equal(r.tags.colour?.queries, 1);
  assert.equal(r.tags.colour?.metrics.mrr10, 1);
  assert.match(formatTagSummary([r], "mrr10"), /\| s +\| +100\.0 \|/);
  assert.equal(formatTagSummary([scoreSystem("s", [], [])]), "");
});
