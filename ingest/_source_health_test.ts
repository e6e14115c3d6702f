import assert from "node:assert/strict";
import { createMemoryLogger } from "../log.ts";
import { SourceHealth } from "./_source_health.ts";

Deno.test("SourceHealth goes connecting → connected → disconnected → connected", () => {
  let now = 1000;
  const log = createMemoryLogger();
  const h = new SourceHealth({ log, staleAfterMs: 100, now: () => now });
  assert.equal(h.state(), "connecting");
  h.contact();
  assert.equal(h.state(), "connected");
  now += 50;
  h.problem(new Error("Connection refused"));
  assert.equal(h.state(), "connected");
  now += 100;
  h.problem(new Error("Connection refused"));
  assert.deepEqual(h.snapshot(), {
    state: "disconnected",
    lastContactMs: 1000,
    lastError: "Connection refused",
  });
  h.contact();
  assert.equal(h.state(), "connected");
  const transitions = log.lines.map((l) => `${l.from}>${l.to}`);
  assert.deepEqual(transitions, [
    "connecting>connected",
    "connected>disconnected",
    "disconnected>connected",
  ]);
});

Deno.test("SourceHealth is disconnected when the first contact never comes", () => {
  let now = 0;
  const h = new SourceHealth({
    log: createMemoryLogger(),
    staleAfterMs: 100,
    now: () => now,
  });
  now = 101;
  assert.equal(h.state(), "disconnected");
});

Deno.test("SourceHealth failed and stopped are final", () => {
  const h = new SourceHealth({ log: createMemoryLogger(), staleAfterMs: 100 });
  h.failed(new Error("boom"));
  h.contact();
  assert.equal(h.state(), "failed");
  h.stopped();
  assert.equal(h.state(), "failed");
});
