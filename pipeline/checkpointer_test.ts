import assert from "node:assert/strict";
import { createMemoryLogger } from "../log.ts";
import { Metrics } from "../metrics.ts";
import type { MessagePosition } from "../types.ts";
import { Checkpointer, type PartitionOffsets } from "./checkpointer.ts";
import { ManualClock } from "./clock.ts";

function harness(
  options = { everyEvents: 3, intervalMs: 1000 },
  initial?: PartitionOffsets,
) {
  const calls: string[] = [];
  const snapshots: PartitionOffsets[] = [];
  const commits: MessagePosition[][] = [];
  let failSnapshot = false;
  const clock = new ManualClock();
  const metrics = new Metrics();
  const cp = new Checkpointer(
    {
      snapshot: (offsets) => {
        calls.push("snapshot");
        if (failSnapshot) return Promise.reject(new Error("disk full"));
        snapshots.push(offsets);
        return Promise.resolve();
      },
      commit: (positions) => {
        calls.push("commit");
        commits.push(positions);
        return Promise.resolve();
      },
      clock,
      log: createMemoryLogger(),
      metrics,
    },
    options,
    initial,
  );
  return {
    cp,
    calls,
    snapshots,
    commits,
    clock,
    metrics,
    fail: (v: boolean) => (failSnapshot = v),
  };
}

const pos = (partition: number, offset: number) => ({
  topic: "t",
  partition,
  offset: String(offset),
});

Deno.test("Checkpointer.applied() snapshots then commits once everyEvents are applied", async () => {
  const h = harness();
  await h.cp.applied([pos(0, 0), pos(1, 4)], 2);
  assert.deepEqual(h.calls, []);
  await h.cp.applied([pos(0, 1)], 1);
  assert.deepEqual(h.calls, ["snapshot", "commit"]);
  assert.deepEqual(h.snapshots, [{ t: { "0": "2", "1": "5" } }]);
  assert.deepEqual(h.commits, [[pos(0, 1), pos(1, 4)]]);
  assert.equal(h.cp.pending, 0);
});

Deno.test("Checkpointer.applied() commits nothing while snapshots fail, keeps ingesting, reports it and retries with backoff", async () => {
  const h = harness();
  h.fail(true);
  // The pipeline is not stopped by a failing disk: applied() resolves.
  await h.cp.applied([pos(0, 0), pos(0, 1), pos(0, 2)], 3);
  assert.deepEqual(h.commits, []);
  assert.equal(h.cp.pending, 3);
  assert.equal(h.cp.failing?.attempts, 1);
  assert.equal(h.cp.failing?.error, "disk full");
  // Within the backoff (500 ms after the first failure) no new attempt is made.
  await h.cp.applied([pos(0, 3)], 1);
  assert.deepEqual(h.calls, ["snapshot"]);
  h.clock.advance(500);
  await h.cp.applied([pos(0, 4)], 1);
  assert.deepEqual(h.calls, ["snapshot", "snapshot"]);
  assert.equal(h.cp.failing?.attempts, 2);
  assert.equal(h.metrics.counter("checkpoint_failures_total", "").get(), 2);
  h.fail(false);
  h.clock.advance(1000);
  await h.cp.applied([pos(0, 5)], 1);
  assert.deepEqual(h.commits, [[pos(0, 5)]]);
  assert.equal(h.cp.failing, null);
  assert.equal(h.cp.pending, 0);
});

Deno.test("Checkpointer retries a failed snapshot when the wall clock is set back, instead of waiting out the jump", async () => {
  const h = harness();
  h.clock.advance(10_000_000);
  h.fail(true);
  await h.cp.applied([pos(0, 0), pos(0, 1), pos(0, 2)], 3);
  assert.equal(h.cp.failing?.attempts, 1);
  h.fail(false);
  // NTP steps the clock back an hour: "retry at failure + 500 ms" now lies an hour ahead.
  h.clock.advance(-3_600_000);
  await h.cp.applied([pos(0, 3)], 1);
  assert.deepEqual(h.commits, [[pos(0, 3)]]);
  assert.equal(h.cp.failing, null);
  // A jump forward is just a due retry: the next failure is retried at once too.
  h.fail(true);
  await h.cp.applied([pos(0, 4), pos(0, 5), pos(0, 6)], 3);
  h.fail(false);
  h.clock.advance(86_400_000);
  await h.cp.applied([pos(0, 7)], 1);
  assert.deepEqual(h.commits, [[pos(0, 3)], [pos(0, 7)]]);
});

Deno.test("Checkpointer.checkpoint() rejects and commits nothing when the snapshot fails", async () => {
  const h = harness();
  await h.cp.applied([pos(0, 0)], 1);
  h.fail(true);
  await assert.rejects(h.cp.checkpoint(), /disk full/);
  assert.deepEqual(h.commits, []);
  h.fail(false);
  await h.cp.checkpoint();
  assert.deepEqual(h.commits, [[pos(0, 0)]]);
});

Deno.test("Checkpointer.checkpoint() does nothing without new progress", async () => {
  const h = harness();
  await h.cp.checkpoint();
  assert.deepEqual(h.calls, []);
});

Deno.test("Checkpointer starts from the offsets of a loaded snapshot", () => {
  const h = harness(undefined, { t: { "0": "10" } });
  assert.deepEqual(h.cp.offsets(), { t: { "0": "10" } });
});

Deno.test("Checkpointer.runTimer() checkpoints pending progress every intervalMs", async () => {
  const h = harness({ everyEvents: 100, intervalMs: 1000 });
  const ac = new AbortController();
  const timer = h.cp.runTimer(ac.signal);
  await h.cp.applied([pos(0, 7)], 1);
  h.clock.advance(999);
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(h.calls, []);
  h.clock.advance(1);
  for (let i = 0; i < 10 && h.calls.length < 2; i++) {
    await new Promise((r) => setTimeout(r, 0));
  }
  assert.deepEqual(h.calls, ["snapshot", "commit"]);
  ac.abort();
  await timer;
  assert.equal(h.clock.pending, 0);
});
