import assert from "node:assert/strict";
import { loadConfig } from "../config.ts";
import type { SourceStatus } from "../ingest/mod.ts";
import { createMemoryLogger } from "../log.ts";
import { Metrics } from "../metrics.ts";
import { PipelineMetrics } from "../pipeline/mod.ts";
import { Swaps, ThumbnailStore } from "../live/mod.ts";
import type { ReindexDeps } from "../live/reindex.ts";
import { LOG, testLiveIndex, TOPIC } from "../live/_test_live_index.ts";
import { type ApiSettings, startHttp } from "./http.ts";
import { ServiceStats } from "./stats.ts";

const NOT_CONNECTED: SourceStatus = {
  state: "connecting",
  lastContactMs: 0,
  lastError: null,
  buffered: 0,
  partitions: [],
  totalLag: 0,
  rebalances: 0,
};

/** The HTTP side over a live index of 3 products; admin on with token "t". */
async function serve(api: ApiSettings) {
  const metrics = new Metrics();
  const { live, dir } = await testLiveIndex(["a", "b", "c"], metrics);
  const swaps = new Swaps({
    holder: live.holder,
    log: createMemoryLogger(),
    metrics,
    // Never used: the consumer owns nothing, so no upgrade starts.
    reindex: {} as ReindexDeps,
    notReady: () => "The consumer owns no partitions yet",
  });
  const searcher = live.searcher(
    () => true,
    new ThumbnailStore(`${dir}/thumbs`),
  );
  let http;
  try {
    http = startHttp({
      http: { ...loadConfig({}).http, port: 0, adminToken: "t", statsLogMs: 0 },
      api,
      log: createMemoryLogger(),
      metrics,
      searcher,
      live,
      swaps,
      stats: new ServiceStats({
        topic: TOPIC,
        live,
        consumer: { status: () => NOT_CONNECTED },
        pipeline: new PipelineMetrics(metrics),
        swaps,
        logWatch: {
          stats: () => ({ ...LOG, rebuilds: {}, lastRebuild: null }),
        },
        ready: () => searcher.ready,
      }),
    });
  } catch (err) {
    await live[Symbol.asyncDispose]();
    await Deno.remove(dir, { recursive: true });
    throw err;
  }
  return {
    url: http.url,
    [Symbol.asyncDispose]: async () => {
      await http.stop();
      await live[Symbol.asyncDispose]();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("startHttp() hands the service's AppLimits and SearchTuning to the app", async () => {
  {
    await using s = await serve({});
    const res = await fetch(`${s.url}/search?q=dress&k=8`);
    assert.equal(res.status, 200);
    assert.equal((await res.json()).hits.length, 3);
  }
  await using s = await serve({ limits: { maxK: 5, defaultK: 3 } });
  const res = await fetch(`${s.url}/search?q=dress&k=8`);
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error.code, "invalid_k");
  const ok = await fetch(`${s.url}/search?q=dress&k=5`);
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
  await assert.rejects(
    serve({ tuning: { poolFactor: 0 } }),
    /tuning\.poolFactor must be a positive integer/,
  );
});

Deno.test("POST /admin/reindex before the consumer owns partitions answers 409 not_ready", async () => {
  await using s = await serve({});
  const res = await fetch(`${s.url}/admin/reindex`, {
    method: "POST",
    headers: { authorization: "Bearer t", "content-type": "application/json" },
    body: JSON.stringify({ modelDir: "model/default" }),
  });
  assert.equal(res.status, 409);
  assert.deepEqual(await res.json(), {
    error: {
      code: "not_ready",
      message: "The consumer owns no partitions yet",
    },
  });
  const stats = await (await fetch(`${s.url}/stats`)).json();
  assert.equal(stats.indexed, 3);
  assert.equal(stats.consumer.state, "connecting");
});
