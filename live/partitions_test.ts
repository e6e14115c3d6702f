import assert from "node:assert/strict";
import { Partitioners } from "kafkajs";
import { CoveredOffsets, partitionOf } from "./partitions.ts";

Deno.test("partitionOf() matches kafkajs' default (Java-compatible) partitioner", () => {
  const partitioner = Partitioners.DefaultPartitioner();
  for (const n of [1, 2, 3, 7, 12]) {
    const partitionMetadata = Array.from({ length: n }, (_, i) => ({
      partitionId: i,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
    }));
    for (let i = 0; i < 500; i++) {
      const key = i % 3 === 0
        ? `p${i}`
        : `ünï-${i * 7919}-${"x".repeat(i % 5)}`;
      const want = partitioner({
        topic: "t",
        partitionMetadata,
        message: { key, value: null },
      });
      assert.equal(partitionOf(key, n), want, `key ${key}, ${n} partitions`);
    }
  }
});

Deno.test("CoveredOffsets.assign() forgets partitions no longer owned; applied() ignores them", () => {
  const c = new CoveredOffsets("t", { t: { "0": "10", "1": "20" } });
  assert.deepEqual(c.assign([0, 1]), []);
  c.applied([{ topic: "t", partition: 1, offset: "24" }]);
  assert.equal(c.startOf(1), "25");
  assert.deepEqual(c.assign([0]), [1]);
  c.applied([{ topic: "t", partition: 1, offset: "30" }]);
  assert.deepEqual(c.offsets(), { t: { "0": "10" } });
  assert.equal(c.startOf(1), "0");
  assert.equal(c.owns(1), false);
});
