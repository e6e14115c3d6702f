/**
 * Issue 13, item 5: a burst of searches far beyond capacity is shed at once with 503 and
 * Retry-After once SEARCH_MAX_IN_FLIGHT is reached, instead of queueing without bound;
 * meanwhile /healthz and /readyz answer and ingestion keeps indexing.
 */
import assert from "node:assert/strict";
import {
  newPlace,
  produceEvents,
  startTestService,
  upserts,
  waitFor,
} from "./_service.ts";

const products = (prefix: string, n: number) =>
  upserts(prefix, n, "Red linen summer dress");

Deno.test("overload: searches past the in-flight limit get 503 + Retry-After; probes and ingest stay responsive", async () => {
  const place = await newPlace();
  const ts = await startTestService(place, { SEARCH_MAX_IN_FLIGHT: "2" });
  try {
    await produceEvents(ts.brokers, place.topic, products("a", 50));
    await waitFor(() => ts.service.holder.current?.size === 50, "50 products");
    const url = ts.service.url;
    // Ready first (caught up once), so every 503 below is the limiter's.
    for (let ready = false; !ready;) {
      const res = await fetch(`${url}/readyz`);
      await res.body?.cancel();
      ready = res.status === 200;
      if (!ready) await new Promise((r) => setTimeout(r, 100));
    }
    // The burst: 300 searches at once, while 150 more products stream in.
    const streaming = produceEvents(
      ts.brokers,
      place.topic,
      products("b", 150),
    );
    const burst = Array.from({ length: 300 }, async (_, i) => {
      const res = await fetch(`${url}/search?q=red+dress+${i}&k=10`);
      const body = await res.json();
      return {
        status: res.status,
        retryAfter: res.headers.get("retry-after"),
        body,
      };
    });
    const probes: number[] = [];
    for (const path of ["/healthz", "/readyz", "/healthz", "/readyz"]) {
      const started = performance.now();
      const res = await fetch(`${url}${path}`);
      await res.body?.cancel();
      assert.equal(res.status, 200, path);
      probes.push(performance.now() - started);
    }
    const results = await Promise.all(burst);
    await streaming;
    const shed = results.filter((r) => r.status === 503);
    const served = results.filter((r) => r.status === 200);
    assert.equal(shed.length + served.length, 300, "only 200s and 503s");
    assert.ok(shed.length > 0, "the burst was shed past the limit");
    assert.ok(served.length >= 2, "searches within the limit were served");
    for (const r of shed) {
      assert.equal(r.retryAfter, "1");
      assert.equal(r.body.error.code, "overloaded");
    }
    await waitFor(
      () => ts.service.holder.current?.size === 200,
      "ingest to index the products streamed during the burst",
    );
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, new RegExp(`serve_search_shed_total ${shed.length}`));
    // Probes answered while the burst ran, not after it (a queue would delay them).
    assert.ok(Math.max(...probes) < 5000, `probe latencies ${probes} ms`);
  } finally {
    await ts.service.stop();
    await Deno.remove(place.dataDir, { recursive: true });
  }
});
