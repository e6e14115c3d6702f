import assert from "node:assert/strict";
import type { AppOptions } from "./app_options.ts";
import { testApp } from "./_test_app.ts";
import { FakeQueryEncoder } from "./testing.ts";

/** An encoder whose calls wait until `release()`. */
function gatedEncoder() {
  const inner = new FakeQueryEncoder();
  const gate = Promise.withResolvers<void>();
  let waiting = 0;
  const encoder: AppOptions["encoder"] = {
    encode: async (queries, options) => {
      waiting++;
      await gate.promise;
      return inner.encode(queries, options);
    },
  };
  return { encoder, release: () => gate.resolve(), waiting: () => waiting };
}

Deno.test("searchLimiter() sheds searches past the in-flight limit with 503 and Retry-After; probes still answer", async () => {
  const gated = gatedEncoder();
  const { app, metrics } = testApp({
    encoder: gated.encoder,
    maxSearchesInFlight: 3,
  });
  const running = Array.from(
    { length: 3 },
    () => Promise.resolve(app.request("/search?q=red+dress")),
  );
  while (gated.waiting() < 3) await new Promise((r) => setTimeout(r, 1));
  const extra = Array.from(
    { length: 5 },
    () => Promise.resolve(app.request("/search?q=red+dress")),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const shed = await Promise.race([
    Promise.all(extra),
    new Promise<null>((r) => timer = setTimeout(() => r(null), 2000)),
  ]);
  clearTimeout(timer);
  if (shed === null) {
    gated.release();
    await Promise.all([...running, ...extra]);
    assert.fail("searches past the limit were queued instead of shed");
  }
  for (const res of shed) {
    assert.equal(res.status, 503);
    assert.equal(res.headers.get("retry-after"), "1");
    const body = await res.json();
    assert.equal(body.error.code, "overloaded");
  }
  const health = await app.request("/healthz");
  assert.equal(health.status, 200);
  await health.body?.cancel();
  const ready = await app.request("/readyz");
  assert.equal(ready.status, 200);
  await ready.body?.cancel();
  assert.equal(metrics.counter("serve_search_shed_total", "").get(), 5);
  gated.release();
  for (const res of await Promise.all(running)) {
    assert.equal(res.status, 200);
    await res.body?.cancel();
  }
  // Capacity is back once the running searches are done.
  const after = await app.request("/search?q=red+dress");
  assert.equal(after.status, 200);
  await after.body?.cancel();
});

Deno.test("searchLimiter() rejects a limit below 1", () => {
  assert.throws(
    () => testApp({ maxSearchesInFlight: 0 }),
    RangeError,
  );
});
