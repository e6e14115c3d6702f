import assert from "node:assert/strict";
import { LatencyWindow } from "./latency_window.ts";

Deno.test("LatencyWindow.summary() gives nearest-rank percentiles", () => {
  const w = new LatencyWindow(100);
  assert.deepEqual(w.summary(), {
    count: 0,
    window: 0,
    p50_ms: null,
    p95_ms: null,
    p99_ms: null,
    max_ms: null,
  });
  for (let i = 100; i >= 1; i--) w.add(i);
  assert.deepEqual(w.summary(), {
    count: 100,
    window: 100,
    p50_ms: 50,
    p95_ms: 95,
    p99_ms: 99,
    max_ms: 100,
  });
});

Deno.test("LatencyWindow keeps only the most recent values", () => {
  const w = new LatencyWindow(3);
  for (const v of [1000, 1, 2, 3]) w.add(v);
  const s = w.summary();
  assert.equal(s.count, 4);
  assert.equal(s.window, 3);
  assert.equal(s.max_ms, 3);
  assert.equal(s.p50_ms, 2);
});

Deno.test("LatencyWindow() rejects a non-positive size", () => {
  assert.throws(() => new LatencyWindow(0), RangeError);
  assert.throws(() => new LatencyWindow(1.5), RangeError);
});
