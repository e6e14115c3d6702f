import assert from "node:assert/strict";
import { delay, withTimeout } from "./delay.ts";

Deno.test("withTimeout() returns the value of a promise that settles in time", async () => {
  assert.equal(await withTimeout(1000, () => Promise.resolve(7)), 7);
});

Deno.test("withTimeout() rejects when the promise never settles", async () => {
  await assert.rejects(
    withTimeout(1, () => new Promise(() => {})),
    /Timed out after 1 ms/,
  );
});

Deno.test("delay() rejects at once with an aborted signal", async () => {
  const c = new AbortController();
  c.abort(new Error("stop"));
  await assert.rejects(delay(10_000, c.signal), /stop/);
});
