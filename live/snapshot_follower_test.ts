import assert from "node:assert/strict";
import { IndexHolder } from "../index/mod.ts";
import { createMemoryLogger } from "../log.ts";
import { Metrics } from "../metrics.ts";
import { Generations } from "./generations.ts";
import { SnapshotFollower } from "./snapshot_follower.ts";
import { LOG, testLiveIndex, testModel } from "./_test_live_index.ts";

Deno.test("SnapshotFollower installs each new snapshot and notices another log", async () => {
  // The writer: a live index that snapshots into `dir`, as an ingest process does.
  const { live, dir } = await testLiveIndex(["a", "b"]);
  await using _ = live;
  const log = createMemoryLogger();
  const metrics = new Metrics();
  using holder = new IndexHolder({ log });
  await using generations = new Generations({
    holder,
    initial: testModel(),
    log,
  });
  const follower = new SnapshotFollower({
    dir,
    generations,
    fallbackModelDir: "/bundles/v1",
    device: "auto",
    log,
    metrics,
  });
  await follower.refresh();
  assert.equal(follower.seq, -1, "no snapshot yet");
  assert.equal(holder.ready, false);
  assert.deepEqual(follower.snapshot(), { seq: -1, loadedAgeMs: null });

  await live.snapshot();
  await follower.refresh();
  assert.equal(follower.seq, 1);
  assert.equal(holder.current?.size, 2);
  assert.deepEqual(follower.log, LOG);
  await follower.refresh();
  assert.equal(metrics.counter("replica_reloads_total", "").get(), 1);

  // The writer rebuilt from a recreated topic: an empty index of the new log.
  const next = { ...LOG, topicId: "t2" };
  await live.resetTo(next);
  await live.snapshot();
  await follower.refresh();
  assert.equal(follower.seq, 2);
  assert.equal(holder.current?.size, 0);
  assert.deepEqual(follower.log, next);
  assert.deepEqual(
    metrics.counter("log_rebuilds_total", "").byLabel("reason"),
    { topic_recreated: 1 },
  );
  assert.ok(log.lines.some((l) => l.event === "replica_log_changed"));
  await Deno.remove(dir, { recursive: true });
});
