import assert from "node:assert/strict";
import { PRODUCTS, testApp } from "./_test_app.ts";
import { FakeQueryEncoder } from "./testing.ts";

Deno.test("GET /search answers a query without words with no hits and a notice, not arbitrary products", async () => {
  const { app, encoder } = testApp();
  for (const q of ["%F0%9F%91%97", "%ff%fe", "%E2%9D%A4%EF%B8%8F+%21%21"]) {
    const res = await app.request(`/search?q=${q}`);
    assert.equal(res.status, 200, q);
    const body = await res.json();
    assert.deepEqual(body.hits, [], q);
    assert.equal(body.notice.code, "no_words", q);
  }
  assert.equal(encoder.calls.length, 0, "nothing to encode");
  const words = await (await app.request("/search?q=red+dress")).json();
  assert.ok(words.hits.length > 0);
  assert.equal(words.notice, undefined);
});

Deno.test("GET /search names the filter that matches no product when a filtered search is empty", async () => {
  const { app } = testApp();
  const unknown = await (await app.request(
    "/search?q=red+dress&filter=colour:red&filter=category:dress",
  )).json();
  assert.deepEqual(unknown.hits, []);
  assert.equal(unknown.notice.code, "filter_matches_nothing");
  assert.match(unknown.notice.message, /colour:red/);
  assert.doesNotMatch(unknown.notice.message, /category:dress/);
  const together = await (await app.request(
    "/search?q=red&filter=color:blue&filter=category:dress",
  )).json();
  assert.deepEqual(together.hits, []);
  assert.equal(together.notice.code, "filters_match_nothing_together");
  const fine = await (await app.request("/search?q=red&filter=color:red"))
    .json();
  assert.ok(fine.hits.length > 0);
  assert.equal(fine.notice, undefined);
});

Deno.test("GET /search never shows a negative score", async () => {
  const encoder = new FakeQueryEncoder();
  const opposite = encoder.embed("red dress").map((x) => -x);
  const { app } = testApp({
    products: [...PRODUCTS, { id: "anti", title: "zzz", vector: opposite }],
  });
  const body = await (await app.request("/search?q=red+dress&k=7")).json();
  assert.equal(body.hits.length, 7);
  assert.ok(body.hits.some((h: { id: string }) => h.id === "anti"));
  for (const hit of body.hits) assert.ok(hit.score >= 0, JSON.stringify(hit));
});
