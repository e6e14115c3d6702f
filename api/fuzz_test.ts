import assert from "node:assert/strict";
import { mulberry32, randomRequest } from "./_fuzz_requests.ts";
import { testApp } from "./_test_app.ts";

const REQUESTS = 12_000;
const TIME_LIMIT_MS = 120_000;

Deno.test("createApp() answers 12,000 random and malformed requests with no 5xx", async () => {
  const { app } = testApp({
    admin: {
      token: "fuzz-token",
      actions: { snapshot: (body) => Promise.resolve({ got: typeof body }) },
    },
  });
  const rand = mulberry32(0x5eed);
  const byStatus = new Map<number, number>();
  const failures: string[] = [];
  const started = performance.now();
  for (let i = 0; i < REQUESTS; i++) {
    const request = randomRequest(rand);
    const label = `${request.method} ${request.url.slice(0, 120)}`;
    const res = await app.request(request);
    byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
    const text = await res.text();
    if (res.status >= 500) {
      failures.push(`${res.status} ${label}: ${text.slice(0, 200)}`);
    }
    if (res.status >= 400 && request.method !== "HEAD") {
      const body = JSON.parse(text);
      assert.equal(typeof body.error?.code, "string", label);
      assert.equal(typeof body.error?.message, "string", label);
    }
    assert.ok(
      performance.now() - started < TIME_LIMIT_MS,
      "fuzz run took too long",
    );
  }
  assert.deepEqual(failures, []);
  const statuses = [...byStatus.keys()].sort();
  assert.ok(
    (byStatus.get(200) ?? 0) > 500,
    `too few successes: ${JSON.stringify([...byStatus])}`,
  );
  assert.ok(
    (byStatus.get(400) ?? 0) > 1000,
    `too few 400s: ${JSON.stringify([...byStatus])}`,
  );
  for (const s of [401, 404, 405, 413]) {
    assert.ok(statuses.includes(s), `no ${s} seen`);
  }
});

Deno.test("createApp() answers random requests before the index is ready with 4xx or 503 not_ready only", async () => {
  const { app, searcher } = testApp();
  searcher.ready = false;
  const rand = mulberry32(0xbad);
  const unexpected: string[] = [];
  let notReady = 0;
  for (let i = 0; i < 2000; i++) {
    const request = randomRequest(rand);
    const res = await app.request(request);
    const text = await res.text();
    if (res.status < 500) continue;
    // HEAD answers carry no body; their GET twin's code is what counts
    const code = text ? JSON.parse(text).error?.code : request.method;
    if (res.status === 503 && (code === "not_ready" || code === "HEAD")) {
      notReady++;
    } else {
      unexpected.push(
        `${res.status} ${request.method} ${request.url.slice(0, 100)}`,
      );
    }
  }
  assert.deepEqual(unexpected, []);
  assert.ok(notReady > 50, `too few not_ready answers: ${notReady}`);
});
