import assert from "node:assert/strict";
import {
  meanMetrics,
  mrrAt,
  ndcgAt,
  queryMetrics,
  recallAt,
} from "./metrics.ts";

const close = (a: number, b: number) =>
  assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);

Deno.test("recallAt() caps the denominator at k", () => {
  const ranked = ["a", "x", "b", "y", "c"];
  close(recallAt(ranked, new Set(["a", "b", "c", "d"]), 3), 2 / 3);
  close(recallAt(ranked, new Set(["a", "b", "c", "d"]), 5), 3 / 4);
  close(recallAt(ranked, new Set(["z"]), 5), 0);
  close(recallAt(ranked, new Set(), 5), 0);
});

Deno.test("mrrAt() is the reciprocal rank of the first relevant hit within k", () => {
  close(mrrAt(["x", "y", "a"], new Set(["a"]), 10), 1 / 3);
  close(mrrAt(["x", "y", "a"], new Set(["a"]), 2), 0);
  close(mrrAt(["a"], new Set(["a"]), 1), 1);
});

Deno.test("ndcgAt() matches a hand computation", () => {
  // relevant at ranks 1 and 3 of 3 relevant: DCG = 1 + 1/log2(4) = 1.5;
  // IDCG = 1 + 1/log2(3) + 1/log2(4) = 2.1309297535714578
  close(
    ndcgAt(["a", "x", "b"], new Set(["a", "b", "c"]), 3),
    1.5 / (1 + 1 / Math.log2(3) + 0.5),
  );
  close(ndcgAt(["a", "b"], new Set(["a", "b"]), 10), 1);
  close(ndcgAt(["x", "y"], new Set(["a"]), 10), 0);
});

Deno.test("queryMetrics() counts duplicate ids once and meanMetrics() averages", () => {
  const m = queryMetrics(["a", "a", "b"], ["b"]);
  close(m.mrr10, 1 / 2);
  close(m.recall10, 1);
  const mean = meanMetrics([m, queryMetrics(["x"], ["b"])]);
  close(mean.mrr10, 1 / 4);
  close(mean.recall100, 1 / 2);
  assert.deepEqual(meanMetrics([]), {
    recall10: 0,
    recall100: 0,
    mrr10: 0,
    ndcg10: 0,
  });
});

Deno.test("recallAt() rejects a non-positive k", () => {
  assert.throws(() => recallAt([], new Set(), 0), RangeError);
});
