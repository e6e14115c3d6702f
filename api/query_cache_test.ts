import assert from "node:assert/strict";
import { QueryCache } from "./query_cache.ts";
import { testApp } from "./_test_app.ts";

const enc = (x: number) => ({ vector: new Float32Array([x]), keywords: [] });

Deno.test("QueryCache evicts the least recently used entry", () => {
  const cache = new QueryCache(2);
  cache.set("m", "a", enc(1));
  cache.set("m", "b", enc(2));
  assert.equal(cache.get("m", "a")?.vector[0], 1); // a is now most recent
  cache.set("m", "c", enc(3));
  assert.equal(cache.get("m", "b"), undefined);
  assert.equal(cache.get("m", "a")?.vector[0], 1);
  assert.equal(cache.get("m", "c")?.vector[0], 3);
  assert.equal(cache.size, 2);
});

Deno.test("QueryCache keys by model version without ambiguity", () => {
  const cache = new QueryCache(10);
  cache.set("m1", "red", enc(1));
  assert.equal(cache.get("m2", "red"), undefined);
  cache.set("ab", "c", enc(2));
  assert.equal(cache.get("a", "bc"), undefined);
});

Deno.test("QueryCache with capacity 0 stores nothing; negative capacity throws", () => {
  const cache = new QueryCache(0);
  cache.set("m", "a", enc(1));
  assert.equal(cache.get("m", "a"), undefined);
  assert.throws(() => new QueryCache(-1), RangeError);
});

Deno.test("createApp() /search encodes a repeated query once per model version", async () => {
  const { app, encoder, searcher, metrics } = testApp();
  for (const q of ["red", "red", "%20red%20", "blue"]) {
    assert.equal((await app.request(`/search?q=${q}`)).status, 200);
  }
  assert.deepEqual(encoder.calls, [["red"], ["blue"]]);
  searcher.modelVersion = "fake-model-2";
  await (await app.request("/search?q=red")).arrayBuffer();
  assert.deepEqual(encoder.calls.at(-1), ["red"]);
  const lookups = metrics.counter("serve_query_cache_total", "");
  assert.equal(lookups.get({ result: "hit" }), 2);
  assert.equal(lookups.get({ result: "miss" }), 3);
});

Deno.test("createApp() with queryCacheSize 0 encodes every query", async () => {
  const { app, encoder } = testApp({ tuning: { queryCacheSize: 0 } });
  for (let i = 0; i < 3; i++) {
    await (await app.request("/search?q=red")).arrayBuffer();
  }
  assert.equal(encoder.calls.length, 3);
});
