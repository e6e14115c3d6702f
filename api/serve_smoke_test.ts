import assert from "node:assert/strict";
import { testApp } from "./_test_app.ts";

Deno.test("createApp() serves over Deno.serve on port 0 and stops on abort", async () => {
  const { app } = testApp();
  const stop = new AbortController();
  const server = Deno.serve({
    port: 0,
    hostname: "127.0.0.1",
    signal: stop.signal,
    onListen: () => {},
  }, app.fetch);
  try {
    const base = `http://127.0.0.1:${server.addr.port}`;
    const health = await fetch(`${base}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: "ok" });
    const search = await fetch(`${base}/search?q=red+dress&k=2`);
    assert.equal(search.status, 200);
    const body = await search.json();
    assert.equal(body.hits[0].id, "p1");
    const post = await fetch(`${base}/search`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "red", filters: { category: "shoes" } }),
    });
    assert.deepEqual(
      (await post.json()).hits.map((h: { id: string }) => h.id),
      ["p4"],
    );
    const big = await fetch(`${base}/search`, {
      method: "POST",
      body: "x".repeat(100_000),
    });
    assert.equal(big.status, 413);
    await big.body?.cancel();
  } finally {
    stop.abort();
    await server.finished;
  }
});
