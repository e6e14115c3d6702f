import assert from "node:assert/strict";
import { PipelineError } from "../errors.ts";
import { createApp } from "./app.ts";
import type { AppOptions } from "./app_options.ts";
import { testApp } from "./_test_app.ts";

Deno.test("createApp() hides internals of unexpected errors behind a request id", async () => {
  const encoder: AppOptions["encoder"] = {
    encode: () => Promise.reject(new Error("secret detail /srv/x")),
  };
  const { app, log } = testApp({ encoder });
  const res = await app.request("/search?q=red");
  assert.equal(res.status, 500);
  const text = await res.text();
  assert.doesNotMatch(text, /secret|srv/);
  const body = JSON.parse(text);
  assert.equal(body.error.code, "internal");
  assert.equal(body.error.request_id, res.headers.get("x-request-id"));
  const line = log.lines.find((l) => l.event === "request_failed");
  assert.equal(line?.requestId, body.error.request_id);
  assert.equal(line?.stage, "serve");
  assert.match(JSON.stringify(line?.err), /secret detail/);
});

Deno.test("createApp() maps a retryable PipelineError to 503", async () => {
  const encoder: AppOptions["encoder"] = {
    encode: () =>
      Promise.reject(
        new PipelineError("Busy", { stage: "encode", retryable: true }),
      ),
  };
  const { app } = testApp({ encoder });
  const res = await app.request("/search?q=red");
  assert.equal(res.status, 503);
  assert.equal((await res.json()).error.code, "unavailable");
});

Deno.test("createApp() answers 503 encode_timeout when the encoder passes its deadline", async () => {
  let seen: AbortSignal | undefined;
  const encoder: AppOptions["encoder"] = {
    encode: (_q, options) => {
      seen = options?.signal;
      return new Promise(() => {});
    },
  };
  const { app } = testApp({ encoder, tuning: { encodeTimeoutMs: 1 } });
  const res = await app.request("/search?q=red");
  assert.equal(res.status, 503);
  assert.equal((await res.json()).error.code, "encode_timeout");
  assert.equal(seen?.aborted, true);
});

Deno.test("createApp() aborts query encoding when the client goes away", async () => {
  const client = new AbortController();
  let seen: AbortSignal | undefined;
  const encoder: AppOptions["encoder"] = {
    encode: (_q, options) => {
      seen = options?.signal;
      client.abort();
      return new Promise(() => {});
    },
  };
  const { app } = testApp({ encoder });
  const res = await app.request(
    new Request("http://x/search?q=red", { signal: client.signal }),
  );
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error.code, "request_aborted");
  assert.equal(seen?.aborted, true);
});

Deno.test("createApp() rejects out-of-range options with RangeError", () => {
  const base = testApp();
  const options = {
    searcher: base.searcher,
    encoder: base.encoder,
    stats: () => ({}),
    metrics: base.metrics,
    log: base.log,
  };
  assert.throws(
    () => createApp({ ...options, limits: { maxK: 0 } }),
    RangeError,
  );
  assert.throws(
    () => createApp({ ...options, limits: { defaultK: 20, maxK: 10 } }),
    RangeError,
  );
  assert.throws(
    () => createApp({ ...options, tuning: { keywordBoost: -1 } }),
    RangeError,
  );
  assert.throws(
    () => createApp({ ...options, tuning: { minPool: 1.5 } }),
    RangeError,
  );
});

Deno.test("createApp() answers an all-zero query vector with no hits, NaN with 500", async () => {
  const vectors: Record<string, Float32Array> = {
    zero: new Float32Array(64),
    nan: new Float32Array(64).fill(NaN),
  };
  const encoder: AppOptions["encoder"] = {
    encode: (qs) =>
      Promise.resolve(
        qs.map((q) => ({
          vector: vectors[q] ?? new Float32Array(64),
          keywords: ["red"],
        })),
      ),
  };
  const { app, searcher, metrics } = testApp({ encoder });
  const zero = await app.request("/search?q=zero");
  assert.equal(zero.status, 200);
  assert.deepEqual((await zero.json()).hits, []);
  assert.equal(searcher.searches.length, 0);
  assert.equal(metrics.counter("serve_zero_query_vectors_total", "").get(), 1);
  const nan = await app.request("/search?q=nan");
  assert.equal(nan.status, 500);
  assert.equal((await nan.json()).error.code, "internal");
});
