import assert from "node:assert/strict";
import { testApp } from "./_test_app.ts";

Deno.test("createApp() logs one debug line per request with route, status and latency", async () => {
  const { app, log } = testApp();
  await (await app.request("/search?q=red+dress")).body?.cancel();
  await (await app.request("/products/nope")).body?.cancel();
  const lines = log.lines.filter((l) => l.event === "http_request");
  assert.equal(lines.length, 2, JSON.stringify(log.lines));
  const [search, product] = lines;
  assert.equal(search?.level, "debug");
  assert.equal(search?.route, "/search");
  assert.equal(search?.status, 200);
  assert.equal(typeof search?.durationMs, "number");
  assert.equal(product?.route, "/products/:id");
  assert.equal(product?.status, 404);
  assert.ok(!JSON.stringify(lines).includes("red"), "no query text in the log");
});
