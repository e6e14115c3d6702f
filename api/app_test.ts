import assert from "node:assert/strict";
import { postJson, testApp } from "./_test_app.ts";

interface Hit {
  id: string;
  score: number;
  title: string;
  attrs: Record<string, unknown>;
  weights: { title: number; image: number };
  keywords: string[];
}
interface SearchJson {
  hits: Hit[];
  took_ms: number;
  index: { version: string; size: number; model_version?: string };
}

Deno.test("createApp() GET /healthz answers 200 even before the index is ready", async () => {
  const { app, searcher } = testApp();
  searcher.ready = false;
  const res = await app.request("/healthz");
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: "ok" });
  assert.match(
    res.headers.get("x-request-id") ?? "",
    /^[0-9a-f]{8}-[0-9a-z]+$/,
  );
  const head = await app.request("/healthz", { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), "");
});

Deno.test("createApp() GET /readyz is 503 JSON until the searcher is ready", async () => {
  const { app, searcher } = testApp();
  searcher.ready = false;
  const before = await app.request("/readyz");
  assert.equal(before.status, 503);
  const body = await before.json();
  assert.equal(body.ready, false);
  assert.equal(body.error.code, "not_ready");
  searcher.ready = true;
  const after = await app.request("/readyz");
  assert.equal(after.status, 200);
  assert.deepEqual(await after.json(), {
    ready: true,
    index: { version: "fake-1", size: 6 },
  });
});

Deno.test("createApp() GET /search returns ranked hits with weights, keywords and index info", async () => {
  const { app, encoder } = testApp();
  const res = await app.request("/search?q=red%20dress&k=3");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  const body: SearchJson = await res.json();
  assert.equal(body.hits.length, 3);
  assert.equal(body.hits[0]?.id, "p1");
  assert.deepEqual(body.hits[0]?.keywords, ["dress", "red"]);
  assert.deepEqual(body.hits[0]?.weights, { title: 0.6, image: 0.4 });
  assert.deepEqual(body.hits[0]?.attrs, { color: "red", category: "dress" });
  assert.equal(body.hits[0]?.title, "Red summer dress");
  const scores = body.hits.map((h) => h.score);
  assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
  assert.equal(typeof body.took_ms, "number");
  assert.deepEqual(body.index, {
    version: "fake-1",
    size: 6,
    model_version: "fake-model",
  });
  assert.deepEqual(encoder.calls, [["red dress"]]);
});

Deno.test("createApp() POST /search answers the same as GET", async () => {
  const { app } = testApp();
  const get: SearchJson = await (await app.request("/search?q=blue+jacket&k=2"))
    .json();
  const res = await postJson(app, "/search", { query: "blue jacket", k: 2 });
  assert.equal(res.status, 200);
  const post: SearchJson = await res.json();
  assert.deepEqual(post.hits, get.hits);
  assert.equal(post.hits[0]?.id, "p2");
});

Deno.test("createApp() /search uses default k 10 and trims the query", async () => {
  const { app, encoder, searcher } = testApp();
  const body: SearchJson = await (await app.request("/search?q=%20%20bag%20"))
    .json();
  assert.equal(body.hits.length, 6);
  assert.deepEqual(encoder.calls, [["bag"]]);
  assert.equal(searcher.searches[0]?.k, 10);
});

Deno.test("createApp() /search applies filters from GET and both POST forms", async (t) => {
  const expectRed = async (res: Response) => {
    assert.equal(res.status, 200);
    const body: SearchJson = await res.json();
    assert.deepEqual(body.hits.map((h) => h.id).sort(), ["p1", "p3"]);
  };
  await t.step("GET repeatable filter", async () => {
    const { app, searcher } = testApp();
    await expectRed(
      await app.request(
        "/search?q=shoes&filter=color:red&filter=category:dress",
      ),
    );
    assert.deepEqual(searcher.searches[0]?.filters, [
      { attr: "color", value: "red" },
      { attr: "category", value: "dress" },
    ]);
  });
  await t.step("POST array form", async () => {
    const { app } = testApp();
    await expectRed(
      await postJson(app, "/search", {
        query: "shoes",
        filters: [{ attr: "color", value: "red" }, {
          attr: "category",
          value: "dress",
        }],
      }),
    );
  });
  await t.step(
    "POST object form, number values compared as strings",
    async () => {
      const { app } = testApp();
      const res = await postJson(app, "/search", {
        query: "x",
        filters: { size: 42 },
      });
      const body: SearchJson = await res.json();
      assert.deepEqual(body.hits.map((h) => h.id), ["p4"]);
    },
  );
  await t.step("value may contain a colon", async () => {
    const { app, searcher } = testApp();
    await (await app.request("/search?q=x&filter=sku:a:b")).json();
    assert.deepEqual(searcher.searches[0]?.filters, [{
      attr: "sku",
      value: "a:b",
    }]);
  });
});

Deno.test("createApp() /search answers 503 not_ready before the index is loaded", async () => {
  const { app, searcher, encoder } = testApp();
  searcher.ready = false;
  for (
    const res of [
      await app.request("/search?q=red"),
      await postJson(app, "/search", { query: "red" }),
    ]
  ) {
    assert.equal(res.status, 503);
    assert.equal((await res.json()).error.code, "not_ready");
  }
  assert.equal(encoder.calls.length, 0);
});

Deno.test("createApp() GET /products/:id returns the record or 404 JSON", async () => {
  const { app } = testApp();
  const res = await app.request("/products/p2");
  assert.equal(res.status, 200);
  const record = await res.json();
  assert.equal(record.id, "p2");
  assert.equal(record.title, "Blue denim jacket");
  const missing = await app.request("/products/nope");
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.code, "not_found");
  const encoded = await app.request("/products/" + encodeURIComponent("a/b ü"));
  assert.equal(encoded.status, 404);
  assert.match((await encoded.json()).error.message, /"a\/b ü"/);
  const long = await app.request("/products/" + "x".repeat(300));
  assert.equal(long.status, 400);
  assert.equal((await long.json()).error.code, "invalid_id");
});

Deno.test("createApp() GET /stats merges caller stats with a search latency summary", async () => {
  const { app } = testApp();
  await (await app.request("/search?q=red")).json();
  await (await app.request("/search?q=blue")).json();
  const res = await app.request("/stats");
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.indexed, 6);
  assert.equal(body.consumed, 7);
  assert.equal(body.search.count, 2);
  assert.equal(body.search.window, 2);
  assert.equal(typeof body.search.p99_ms, "number");
});

Deno.test("createApp() GET /metrics renders Prometheus text with serve metrics", async () => {
  const { app } = testApp();
  await (await app.request("/search?q=red")).json();
  await (await app.request("/search?q=")).json();
  const res = await app.request("/metrics");
  assert.equal(res.status, 200);
  assert.equal(
    res.headers.get("content-type"),
    "text/plain; version=0.0.4; charset=utf-8",
  );
  const text = await res.text();
  assert.match(text, /^# TYPE serve_search_latency_ms histogram$/m);
  assert.match(text, /^serve_search_latency_ms_count 1$/m);
  assert.match(text, /^serve_query_encode_ms_count 1$/m);
  assert.match(
    text,
    /^serve_http_requests_total\{method="GET",route="\/search",status="200"\} 1$/m,
  );
  assert.match(
    text,
    /^serve_http_requests_total\{method="GET",route="\/search",status="400"\} 1$/m,
  );
});

Deno.test("createApp() unknown routes are 404 JSON and wrong methods 405", async () => {
  const { app, metrics } = testApp();
  const res = await app.request("/nope/../x?y=1");
  assert.equal(res.status, 404);
  assert.deepEqual(await res.json(), {
    error: { code: "not_found", message: "No such route" },
  });
  const wrong = await app.request("/healthz", { method: "DELETE" });
  assert.equal(wrong.status, 405);
  assert.equal((await wrong.json()).error.code, "method_not_allowed");
  assert.equal(wrong.headers.get("allow"), "GET, HEAD");
  const put = await app.request("/search", { method: "PUT", body: "{}" });
  assert.equal(put.status, 405);
  assert.equal(put.headers.get("allow"), "GET, HEAD, POST");
  await put.body?.cancel();
  const counter = metrics.counter("serve_http_requests_total", "");
  assert.equal(
    counter.get({ route: "unmatched", method: "GET", status: "404" }),
    1,
  );
});
