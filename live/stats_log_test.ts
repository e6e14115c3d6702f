import assert from "node:assert/strict";
import { createMemoryLogger } from "../log.ts";
import { startStatsLog } from "./stats_log.ts";

Deno.test("startStatsLog() writes figures, events/s since the last line and search latency", () => {
  const log = createMemoryLogger();
  let t = 0;
  let consumed = 100;
  const stats = startStatsLog({
    intervalMs: 0,
    log,
    figures: () => ({ indexed: 90, consumed, lag: 3, lastEventAgeMs: 1500 }),
    latency: () => ({
      count: 12,
      window: 12,
      p50_ms: 2.5,
      p95_ms: 9,
      p99_ms: 11,
      max_ms: 12,
    }),
    now: () => t,
  });
  t = 2000;
  consumed = 300;
  stats.tick();
  stats.stop();
  const line = log.lines.find((l) => l.event === "stats");
  assert.ok(line, JSON.stringify(log.lines));
  assert.equal(line.level, "info");
  assert.equal(line.indexed, 90);
  assert.equal(line.eventsPerSec, 100);
  assert.deepEqual(line.search, {
    count: 12,
    p50_ms: 2.5,
    p95_ms: 9,
    p99_ms: 11,
    max_ms: 12,
  });
});
