import assert from "node:assert/strict";
import type { SourceStatus } from "../ingest/mod.ts";
import { createMemoryLogger } from "../log.ts";
import { Metrics } from "../metrics.ts";
import { PipelineMetrics } from "../pipeline/mod.ts";
import { type LogStats, Swaps } from "../live/mod.ts";
import type { ReindexDeps } from "../live/reindex.ts";
import { LOG, testLiveIndex, TOPIC } from "../live/_test_live_index.ts";
import { ServiceStats } from "./stats.ts";

function consumer(highWatermark: string): { status(): SourceStatus } {
  return {
    status: () => ({
      state: "connected",
      lastContactMs: 1,
      lastError: null,
      buffered: 3,
      partitions: [{
        topic: TOPIC,
        partition: 0,
        lowWatermark: "0",
        highWatermark,
        nextOffset: "10",
        committedOffset: null,
        lag: 2,
      }],
      totalLag: 2,
      rebalances: 1,
    }),
  };
}

Deno.test("ServiceStats reads /stats from the parts' typed handles", async () => {
  const metrics = new Metrics();
  const { live, dir } = await testLiveIndex(["a", "b", "c"], metrics);
  await using _ = live;
  live.covered.assign([0]);
  await live.applied([{ topic: TOPIC, partition: 0, offset: "6" }], 7);
  const pipeline = new PipelineMetrics(metrics);
  pipeline.consumed.inc({}, 9);
  pipeline.events.inc({ result: "upserted" }, 7);
  pipeline.dlq.inc({ reason: "invalid_json" }, 2);
  pipeline.imageSkipped.inc({ reason: "fetch_failed" });
  pipeline.lastEventTime.set(Date.now() - 1000);
  const swaps = new Swaps({
    holder: live.holder,
    log: createMemoryLogger(),
    metrics,
    // Never used: no upgrade runs in this test.
    reindex: {} as ReindexDeps,
    notReady: () => "no",
  });
  await swaps.compact("admin");
  const logStats: LogStats = { ...LOG, rebuilds: {}, lastRebuild: null };
  const stats = new ServiceStats({
    topic: TOPIC,
    live,
    consumer: consumer("12"),
    pipeline,
    swaps,
    logWatch: { stats: () => logStats },
    ready: () => true,
  });
  const body = stats.collect();
  assert.equal(body.ready, true);
  assert.equal(body.indexed, 3);
  assert.equal(body.consumed, 9);
  assert.deepEqual(body.events, { upserted: 7 });
  assert.deepEqual(body.dlq, { total: 2, byReason: { invalid_json: 2 } });
  assert.deepEqual(body.skipped, { fetch_failed: 1 });
  // Applied lag: the log ends at 12, the index holds up to offset 6 (next 7).
  assert.equal(body.consumer.lag, 5);
  assert.equal(body.consumer.deliveredLag, 2);
  assert.ok(body.lastEventAgeMs !== null && body.lastEventAgeMs >= 1000);
  assert.deepEqual(body.swaps.total, { compact_admin: 1 });
  assert.deepEqual(body.swaps.reindex, { state: "idle" });
  assert.deepEqual(body.model, { version: "v1", dir: "/bundles/v1" });
  assert.equal(body.snapshot.pendingEvents, 7);
  assert.equal(body.log, logStats);
  const { lastEventAgeMs, ...figures } = stats.figures();
  assert.deepEqual(figures, { indexed: 3, consumed: 9, lag: 5 });
  assert.ok(lastEventAgeMs !== null && lastEventAgeMs >= 1000);
  assert.deepEqual(stats.degraded(), []);
  stats.registerGauges(metrics);
  const text = metrics.render();
  assert.match(text, /^index_size 3$/m);
  assert.match(text, /^consumer_lag 5$/m);
  assert.match(text, /^source_buffered 3$/m);
  assert.match(text, /^snapshot_pending_events 7$/m);
  await Deno.remove(dir, { recursive: true });
});
