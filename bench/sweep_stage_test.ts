import assert from "node:assert/strict";
import { pick, type SweepRow } from "./sweep_stage.ts";

function row(
  dataset: string,
  n: number,
  setting: string,
  ef: number,
  recallAt10: number,
  qps: number,
  graphMiB = 10,
): SweepRow {
  return {
    dataset,
    n,
    setting,
    connectivity: 16,
    expansionAdd: 64,
    quantization: "f32",
    ef,
    recallAt10,
    qps,
    p99Ms: 1,
    buildS: 1,
    graphMiB,
  };
}

Deno.test("pick() takes the fastest setting on the largest set that meets the target everywhere", () => {
  const rows = [
    // Fastest on the big set, but misses the target on the small real one.
    row("real", 2000, "M8", 16, 0.95, 90_000),
    row("big", 100_000, "M8", 16, 0.99, 20_000),
    row("real", 2000, "M8", 64, 0.99, 40_000),
    row("big", 100_000, "M8", 64, 0.995, 9_000),
    row("real", 2000, "M16", 32, 0.985, 50_000),
    row("big", 100_000, "M16", 32, 0.99, 12_000),
  ];
  assert.deepEqual(pick(rows, ["real", "big"]), { setting: "M16", ef: 32 });
});

Deno.test("pick() prefers the smaller graph when QPS is within 5%, and says when none qualifies", () => {
  const rows = [
    row("big", 100_000, "M32", 64, 0.99, 10_000, 40),
    row("big", 100_000, "M16", 64, 0.99, 9_800, 20),
  ];
  assert.deepEqual(pick(rows, ["big"]), { setting: "M16", ef: 64 });
  assert.equal(pick([row("big", 100_000, "M8", 16, 0.9, 1)], ["big"]), null);
  // A setting measured on only some data sets is not picked.
  assert.equal(
    pick([row("big", 100_000, "M8", 16, 0.99, 1)], ["big", "real"]),
    null,
  );
});

Deno.test("pick() ignores data sets it was not asked to satisfy", () => {
  const rows = [
    row("real", 2000, "M8", 16, 0.99, 50_000),
    row("synthetic", 100_000, "M8", 16, 0.6, 9_000),
  ];
  assert.deepEqual(pick(rows, ["real"]), { setting: "M8", ef: 16 });
  assert.equal(pick(rows, ["real", "synthetic"]), null);
});
