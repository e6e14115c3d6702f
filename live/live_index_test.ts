import assert from "node:assert/strict";
import { loadLatestSnapshot } from "../index/mod.ts";
import type { MessagePosition, SourceMessage } from "../types.ts";
import type { RecordedLog } from "./log_identity.ts";
import { partitionOf } from "./partitions.ts";
import { LOG, testLiveIndex, TOPIC } from "./_test_live_index.ts";

function at(partition: number, offset: number): MessagePosition {
  return { topic: TOPIC, partition, offset: String(offset) };
}

Deno.test("LiveIndex records applied batches, snapshots them, then commits", async () => {
  const { live, dir, commits } = await testLiveIndex(["a", "b"]);
  await using _ = live;
  live.covered.assign([0, 1]);
  await live.applied([at(0, 4), at(1, 9)], 12);
  assert.deepEqual(live.offsets(), { [TOPIC]: { "0": "5", "1": "10" } });
  assert.equal(live.checkpointer.pending, 12);
  await live.checkpointer.checkpoint();
  assert.deepEqual(commits, [[at(0, 4), at(1, 9)]]);
  const saved = await loadLatestSnapshot(dir);
  const meta = saved?.manifest.meta as Record<string, unknown>;
  assert.deepEqual(meta.offsets, { [TOPIC]: { "0": "5", "1": "10" } });
  assert.deepEqual(meta.log, LOG);
  assert.equal(meta.modelDir, "/bundles/v1");
  assert.equal(saved?.index.size, 2);
  saved?.index[Symbol.dispose]();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("LiveIndex.dropPartitions() removes the products of partitions no longer owned", async () => {
  const ids = Array.from({ length: 20 }, (_, i) => `sku-${i}`);
  const { live, dir } = await testLiveIndex(ids);
  await using _ = live;
  live.covered.assign([0]);
  await live.dropPartitions([1], 2);
  const kept = ids.filter((id) => partitionOf(id, 2) === 0);
  assert.ok(kept.length > 0 && kept.length < ids.length);
  assert.deepEqual([...live.holder.current!.ids()].sort(), kept.sort());
  // A partition owned again before the drop ran keeps its products.
  live.covered.assign([0, 1]);
  await live.dropPartitions([1], 2);
  assert.equal(live.size, kept.length);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("LiveIndex.resetTo() installs an empty index of the live model and forgets progress", async () => {
  const { live, dir } = await testLiveIndex(["a"]);
  await using _ = live;
  live.covered.assign([0]);
  live.tombstones.set("gone", 3);
  await live.applied([at(0, 7)], 1);
  const next: RecordedLog = { ...LOG, topicId: "t2" };
  await live.resetTo(next);
  assert.equal(live.size, 0);
  assert.equal(live.holder.current?.modelVersion, "v1");
  assert.equal(live.holder.current?.dims, 2);
  assert.deepEqual(live.offsets(), { [TOPIC]: {} });
  assert.equal(live.tombstones.get("gone"), undefined);
  assert.deepEqual(live.belongs, next);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("LiveIndex.pauseAndDrain() holds new messages until those handed out are applied", async () => {
  const { live, dir } = await testLiveIndex();
  await using _ = live;
  live.covered.assign([0]);
  const message = (offset: number): SourceMessage => ({
    topic: TOPIC,
    partition: 0,
    offset: String(offset),
    key: null,
    value: null,
    headers: {},
    timestampMs: 0,
  });
  async function* source() {
    yield message(0);
    yield message(1);
  }
  const out = live.gate.wrap(source());
  assert.equal((await out.next()).value?.offset, "0");
  assert.equal(live.drained(), false);
  let paused = false;
  const draining = live.pauseAndDrain("test").then((release) => {
    paused = true;
    return release;
  });
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(paused, false, "waits for the handed-out message");
  await live.applied([at(0, 0)], 1);
  const release = await draining;
  assert.equal(live.gate.paused, true);
  const second = out.next();
  release();
  assert.equal((await second).value?.offset, "1");
  await Deno.remove(dir, { recursive: true });
});
