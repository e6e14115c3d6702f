import assert from "node:assert/strict";
import type { LogState } from "../ingest/mod.ts";
import {
  confirmedMismatch,
  logMismatch,
  recordedLog,
  recordOf,
} from "./log_identity.ts";

const current: LogState = {
  clusterId: "c1",
  topic: "products",
  topicId: "t1",
  exists: true,
  partitions: [
    { partition: 0, low: "0", high: "110" },
    { partition: 1, low: "20", high: "130" },
  ],
};
const same = recordOf(current);

Deno.test("logMismatch() accepts the same log with offsets inside each partition", () => {
  assert.equal(logMismatch(same, { "0": "110", "1": "20" }, current), null);
  assert.equal(logMismatch(same, {}, current), null);
});

Deno.test("logMismatch() names each way a snapshot can belong to another log", () => {
  const cases: Array<[Parameters<typeof logMismatch>, string]> = [
    [[null, {}, current], "no_log_recorded"],
    [[{ ...same, clusterId: "c0" }, {}, current], "cluster_changed"],
    [[{ ...same, topic: "items" }, {}, current], "topic_changed"],
    [[{ ...same, topicId: "t0" }, {}, current], "topic_recreated"],
    [[same, { "2": "5" }, current], "topic_recreated"],
    [[same, { "0": "111" }, current], "offset_past_end"],
    [[same, { "1": "19" }, current], "log_start_past_offset"],
  ];
  for (const [args, reason] of cases) {
    const m = logMismatch(...args);
    assert.equal(m?.reason, reason, JSON.stringify(args[0]));
    assert.ok(m.detail.length > 0);
  }
});

Deno.test("recordedLog() reads snapshot metadata and ignores anything malformed", () => {
  assert.deepEqual(recordedLog({ log: same }), same);
  assert.equal(recordedLog({}), null);
  assert.equal(recordedLog({ log: { clusterId: "c1" } }), null);
  assert.deepEqual(recordedLog({ log: { topic: "p", topicId: 3 } }), {
    clusterId: null,
    topic: "p",
    topicId: null,
  });
});

Deno.test("confirmedMismatch() needs an offset mismatch twice, an identity mismatch once", async () => {
  const bogus: LogState = {
    ...current,
    partitions: [{ partition: 0, low: "0", high: "0" }, {
      partition: 1,
      low: "20",
      high: "130",
    }],
  };
  const reads = (...states: LogState[]) => {
    let i = 0;
    return () =>
      Promise.resolve(states[Math.min(i++, states.length - 1)] ?? current);
  };
  const offsets = () => ({ "0": "29" });
  const once = await confirmedMismatch(same, offsets, reads(bogus, current), 0);
  assert.equal(once.mismatch, null);
  const twice = await confirmedMismatch(same, offsets, reads(bogus, bogus), 0);
  assert.equal(twice.mismatch?.reason, "offset_past_end");
  const recreated = { ...current, topicId: "t2" };
  const identity = await confirmedMismatch(
    same,
    offsets,
    reads(recreated, current),
    0,
  );
  assert.equal(identity.mismatch?.reason, "topic_recreated");
});
