import assert from "node:assert/strict";
import { postJson, testApp } from "./_test_app.ts";

Deno.test("GET and POST /search pass ef to the searcher; without it the index's default applies", async () => {
  const { app, searcher } = testApp();
  const get = await app.request("/search?q=red+dress&k=3&ef=200");
  assert.equal(get.status, 200);
  await get.body?.cancel();
  const post = await postJson(app, "/search", { query: "red", ef: 1000 });
  assert.equal(post.status, 200);
  await post.body?.cancel();
  const plain = await app.request("/search?q=red");
  assert.equal(plain.status, 200);
  await plain.body?.cancel();
  assert.deepEqual(searcher.searches.map((s) => s.ef), [200, 1000, undefined]);
  assert.equal("ef" in searcher.searches[2]!, false, "no ef key at all");
  // ef sets the depth, not the number of candidates asked for.
  assert.equal(searcher.searches[0]?.k, 50);
});

Deno.test("a filtered /search passes ef with its filters, the empty-result notice included", async () => {
  const { app, searcher } = testApp();
  const hit = await app.request("/search?q=red&filter=color:red&ef=300");
  assert.equal(hit.status, 200);
  assert.ok((await hit.json()).hits.length > 0);
  assert.deepEqual(searcher.searches[0]?.filters, [
    { attr: "color", value: "red" },
  ]);
  assert.equal(searcher.searches[0]?.ef, 300);
  const none = await postJson(app, "/search", {
    query: "red",
    ef: 40,
    filters: { color: "purple" },
  });
  const body = await none.json();
  assert.equal(body.notice.code, "filter_matches_nothing");
  const after = searcher.searches.slice(1);
  assert.equal(after.length, 2, "the search, then the notice's probe");
  for (const s of after) {
    assert.equal(s.ef, 40);
    assert.deepEqual(s.filters, [{ attr: "color", value: "purple" }]);
  }
});

Deno.test("the query cache reuses an encoding across ef values, and each search still gets its own ef", async () => {
  const { app, encoder, searcher, metrics } = testApp();
  for (const ef of [64, 512, 64]) {
    const res = await app.request(`/search?q=red&ef=${ef}`);
    assert.equal(res.status, 200);
    await res.body?.cancel();
  }
  // The cache holds query encodings, which ef does not change: one encode.
  assert.deepEqual(encoder.calls, [["red"]]);
  const lookups = metrics.counter("serve_query_cache_total", "");
  assert.equal(lookups.get({ result: "hit" }), 2);
  assert.deepEqual(searcher.searches.map((s) => s.ef), [64, 512, 64]);
});
