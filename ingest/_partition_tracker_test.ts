import assert from "node:assert/strict";
import { PartitionTracker } from "./_partition_tracker.ts";

Deno.test("PartitionTracker lag() is high watermark minus next offset", () => {
  const t = new PartitionTracker("products");
  t.assign([1, 0]);
  assert.deepEqual(t.partitions(), [0, 1]);
  t.onFetched(0, { high: "100", low: "0", committed: "-1" });
  t.onFetched(1, { high: "50", low: "10", committed: "40" });
  assert.deepEqual(t.lag().map((l) => [l.nextOffset, l.lag]), [["0", 100], [
    "40",
    10,
  ]]);
  t.onDelivered(0, "59");
  t.onHighWatermark(0, "120");
  t.onCommitted(0, "30");
  assert.deepEqual(t.lag()[0], {
    topic: "products",
    partition: 0,
    highWatermark: "120",
    lowWatermark: "0",
    nextOffset: "60",
    committedOffset: "30",
    lag: 60,
  });
});

Deno.test("PartitionTracker assign() keeps kept partitions and forgets revoked ones", () => {
  const t = new PartitionTracker("products");
  t.assign([0, 1]);
  t.onDelivered(0, "5");
  t.onDelivered(1, "7");
  t.assign([0]);
  assert.equal(t.isAssigned(1), false);
  assert.equal(t.lag()[0]?.nextOffset, "6");
  assert.equal(t.generations, 2);
  t.onDelivered(1, "9");
  assert.deepEqual(t.partitions(), [0]);
});

Deno.test("PartitionTracker reports unknown lag as null", () => {
  const t = new PartitionTracker("products");
  t.assign([0]);
  assert.equal(t.lag()[0]?.lag, null);
});

Deno.test("PartitionTracker toCommit() keeps the highest owned position per partition", () => {
  const t = new PartitionTracker("products");
  t.assign([0, 1]);
  const { offsets, skipped } = t.toCommit([
    { topic: "products", partition: 0, offset: "9" },
    { topic: "products", partition: 0, offset: "3" },
    { topic: "products", partition: 1, offset: "4" },
    { topic: "products", partition: 2, offset: "8" },
    { topic: "other", partition: 0, offset: "1" },
  ]);
  assert.deepEqual(offsets, [{ partition: 0, offset: "10" }, {
    partition: 1,
    offset: "5",
  }]);
  assert.deepEqual(skipped.map((p) => `${p.topic}/${p.partition}`), [
    "products/2",
    "other/0",
  ]);
});
