import assert from "node:assert/strict";
import { DEFAULT_LIMITS } from "./app_options.ts";
import { HttpError } from "./http_error.ts";
import { parseSearchBody, parseSearchParams } from "./search_request.ts";
import { postJson, testApp } from "./_test_app.ts";

const GET_400: Array<[string, string]> = [
  ["/search", "missing_query"],
  ["/search?q=", "empty_query"],
  ["/search?q=%20%09%0A", "empty_query"],
  ["/search?q=" + "a".repeat(513), "query_too_long"],
  ["/search?q=" + "😀".repeat(513), "query_too_long"],
  ["/search?q=red&k=0", "invalid_k"],
  ["/search?q=red&k=101", "invalid_k"],
  ["/search?q=red&k=-1", "invalid_k"],
  ["/search?q=red&k=1.5", "invalid_k"],
  ["/search?q=red&k=abc", "invalid_k"],
  ["/search?q=red&k=", "invalid_k"],
  ["/search?q=red&k=1e2", "invalid_k"],
  ["/search?q=red&k=99999999999999999999", "invalid_k"],
  ["/search?q=red&k=1&k=2", "duplicate_parameter"],
  ["/search?q=red&q=blue", "duplicate_parameter"],
  ["/search?q=red&filter=color", "invalid_filter"],
  ["/search?q=red&filter=:red", "invalid_filter"],
  ["/search?q=red&filter=color:", "invalid_filter"],
  ["/search?q=red&filter=%20:%20", "invalid_filter"],
  ["/search?q=red&filter=color:" + "x".repeat(129), "invalid_filter"],
  ["/search?q=red" + "&filter=a:b".repeat(9), "too_many_filters"],
  ["/search?q=red&ef=9", "invalid_ef"],
  ["/search?q=red&ef=10001", "invalid_ef"],
  ["/search?q=red&ef=0", "invalid_ef"],
  ["/search?q=red&ef=-64", "invalid_ef"],
  ["/search?q=red&ef=64.5", "invalid_ef"],
  ["/search?q=red&ef=1e3", "invalid_ef"],
  ["/search?q=red&ef=deep", "invalid_ef"],
  ["/search?q=red&ef=", "invalid_ef"],
  ["/search?q=red&ef=99999999999999999999", "invalid_ef"],
  ["/search?q=red&ef=64&ef=128", "duplicate_parameter"],
  ["/search?q=red&filters=color:red", "unknown_parameter"],
  ["/search?q=red&limit=3", "unknown_parameter"],
];

Deno.test("GET /search answers 400 with a JSON error code for every bad input", async () => {
  const { app, encoder } = testApp();
  for (const [path, code] of GET_400) {
    const res = await app.request(path);
    assert.equal(res.status, 400, path);
    const body = await res.json();
    assert.equal(body.error.code, code, path);
    assert.equal(typeof body.error.message, "string");
  }
  assert.equal(encoder.calls.length, 0);
});

const POST_400: Array<[string, unknown, string]> = [
  ["not an object", [1, 2], "invalid_body"],
  ["null", null, "invalid_body"],
  ["string", '"red"', "invalid_body"],
  ["missing query", { k: 3 }, "missing_query"],
  ["query not a string", { query: 5 }, "invalid_query"],
  ["empty query", { query: "  " }, "empty_query"],
  ["long query", { query: "b".repeat(600) }, "query_too_long"],
  ["lone surrogate", '{"query":"\\ud800"}', "invalid_query"],
  ["unknown field", { query: "red", q: "red" }, "unknown_field"],
  ["proto field", '{"query":"red","__proto__":{}}', "unknown_field"],
  ["k string", { query: "red", k: "3" }, "invalid_k"],
  ["k float", { query: "red", k: 2.5 }, "invalid_k"],
  ["k zero", { query: "red", k: 0 }, "invalid_k"],
  ["k big", { query: "red", k: 1000 }, "invalid_k"],
  ["k null", { query: "red", k: null }, "invalid_k"],
  ["ef string", { query: "red", ef: "64" }, "invalid_ef"],
  ["ef float", { query: "red", ef: 64.5 }, "invalid_ef"],
  ["ef below 10", { query: "red", ef: 9 }, "invalid_ef"],
  ["ef above 10000", { query: "red", ef: 10_001 }, "invalid_ef"],
  ["ef null", { query: "red", ef: null }, "invalid_ef"],
  ["ef boolean", { query: "red", ef: true }, "invalid_ef"],
  ["filters string", { query: "red", filters: "color:red" }, "invalid_filter"],
  ["filter extra key", {
    query: "red",
    filters: [{ attr: "a", value: "b", x: 1 }],
  }, "invalid_filter"],
  [
    "filter missing value",
    { query: "red", filters: [{ attr: "a", v: "b" }] },
    "invalid_filter",
  ],
  [
    "filter nested value",
    { query: "red", filters: { color: { a: 1 } } },
    "invalid_filter",
  ],
  [
    "filter null value",
    { query: "red", filters: { color: null } },
    "invalid_filter",
  ],
  [
    "filter empty attr",
    { query: "red", filters: { "": "red" } },
    "invalid_filter",
  ],
  ["too many filters", {
    query: "red",
    filters: Object.fromEntries(
      [...Array(9).keys()].map((i) => [`a${i}`, "v"]),
    ),
  }, "too_many_filters"],
  ["invalid JSON", "{query: red}", "invalid_json"],
  ["truncated JSON", '{"query": "red"', "invalid_json"],
  ["empty body", "", "empty_body"],
  ["invalid UTF-8", new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), "invalid_json"],
];

Deno.test("POST /search answers 400 with a JSON error code for every bad body", async () => {
  const { app, encoder } = testApp();
  for (const [name, body, code] of POST_400) {
    const res = body instanceof Uint8Array
      ? await app.request("/search", {
        method: "POST",
        body: body as Uint8Array<ArrayBuffer>,
      })
      : await postJson(app, "/search", body);
    assert.equal(res.status, 400, name);
    assert.equal((await res.json()).error.code, code, name);
  }
  assert.equal(encoder.calls.length, 0);
});

Deno.test("POST /search answers 413 for a body over maxBodyBytes, declared or not", async () => {
  const { app } = testApp({ limits: { maxBodyBytes: 100 } });
  const big = JSON.stringify({ query: "x".repeat(200) });
  const declared = await postJson(app, "/search", "{}", {
    "content-length": "1000000",
  });
  assert.equal(declared.status, 413);
  assert.equal((await declared.json()).error.code, "body_too_large");
  const undeclared = await postJson(app, "/search", big);
  assert.equal(undeclared.status, 413);
  await undeclared.body?.cancel();
  const chunks = [
    new TextEncoder().encode(big.slice(0, 60)),
    new TextEncoder().encode(big.slice(60)),
  ];
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
  const streamed = await app.request("/search", {
    method: "POST",
    body: stream,
  });
  assert.equal(streamed.status, 413);
  assert.equal((await streamed.json()).error.code, "body_too_large");
  const ok = await postJson(app, "/search", { query: "red" });
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
});

Deno.test("POST /search accepts deeply nested JSON up to the body limit without a 5xx", async () => {
  const { app } = testApp();
  const deep = "[".repeat(8000) + "]".repeat(8000);
  const res = await postJson(app, "/search", deep);
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error.code, "invalid_body");
});

Deno.test("parseSearchParams() reads q, k and filters with defaults", () => {
  const req = parseSearchParams(
    new URLSearchParams("q=%20red%20&filter=%20color%20:%20red%20"),
    DEFAULT_LIMITS,
  );
  assert.deepEqual(req, {
    query: "red",
    k: 10,
    filters: [{ attr: "color", value: "red" }],
  });
  const k = parseSearchParams(
    new URLSearchParams("q=red&k=100"),
    DEFAULT_LIMITS,
  );
  assert.equal(k.k, 100);
});

Deno.test("parseSearchParams() counts code points, not UTF-16 units", () => {
  const emoji = "😀".repeat(512);
  assert.equal(
    parseSearchParams(new URLSearchParams({ q: emoji }), DEFAULT_LIMITS).query,
    emoji,
  );
});

Deno.test("parseSearchBody() turns scalar filter values into strings", () => {
  const req = parseSearchBody({
    query: "x",
    k: 5,
    filters: [{ attr: "new", value: true }, { attr: "n", value: 1.5 }],
  }, DEFAULT_LIMITS);
  assert.deepEqual(req.filters, [{ attr: "new", value: "true" }, {
    attr: "n",
    value: "1.5",
  }]);
  assert.throws(
    () =>
      parseSearchBody({ query: "x", filters: { n: Infinity } }, DEFAULT_LIMITS),
    (err: unknown) =>
      err instanceof HttpError && err.status === 400 &&
      err.code === "invalid_filter",
  );
});

Deno.test("parseSearchParams() and parseSearchBody() read ef in 10..10000, absent by default", () => {
  const get = (query: string) =>
    parseSearchParams(new URLSearchParams(query), DEFAULT_LIMITS);
  assert.equal("ef" in get("q=red"), false, "no ef: the index's default");
  assert.equal(get("q=red&ef=10").ef, 10);
  assert.equal(get("q=red&ef=10000").ef, 10_000);
  assert.equal(get("q=red&ef=0128").ef, 128);
  assert.deepEqual(get("q=red&k=5&ef=256&filter=color:red"), {
    query: "red",
    k: 5,
    filters: [{ attr: "color", value: "red" }],
    ef: 256,
  });
  const post = (body: Record<string, unknown>) =>
    parseSearchBody({ query: "red", ...body }, DEFAULT_LIMITS);
  assert.equal("ef" in post({}), false);
  assert.equal(post({ ef: 10 }).ef, 10);
  assert.equal(post({ ef: 10_000 }).ef, 10_000);
  assert.equal(post({ ef: 512, filters: { color: "red" } }).ef, 512);
  const err = (() => {
    try {
      get("q=red&ef=5");
    } catch (e) {
      return e;
    }
  })();
  assert.ok(err instanceof HttpError && err.status === 400);
  assert.equal(err.code, "invalid_ef");
  assert.match(err.message, /10\.\.10000: got "5"/);
});
