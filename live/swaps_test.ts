import assert from "node:assert/strict";
import { createMemoryLogger } from "../log.ts";
import { Metrics } from "../metrics.ts";
import { IndexHolder } from "../index/mod.ts";
import { ConflictError } from "../errors.ts";
import type { ReindexDeps } from "./reindex.ts";
import { Swaps } from "./swaps.ts";

// The HTTP layer answers a ConflictError 409 (api/admin_routes_test.ts).
Deno.test("Swaps.startReindex() refuses with a conflict until the consumer has caught up", () => {
  using holder = new IndexHolder();
  const why = "The consumer has not caught up with the log yet";
  const swaps = new Swaps({
    holder,
    log: createMemoryLogger(),
    metrics: new Metrics(),
    // Never reached while refused: a refused reindex must not touch its dependencies.
    reindex: {} as ReindexDeps,
    notReady: () => why,
  });
  let err: unknown;
  try {
    swaps.startReindex("model/default");
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof ConflictError);
  assert.equal(err.code, "not_ready");
  assert.equal(err.message, why);
  assert.deepEqual(swaps.reindexState, { state: "idle" });
});

Deno.test("Swaps.startReindex() refuses a second upgrade while one runs", async () => {
  using holder = new IndexHolder();
  const log = createMemoryLogger();
  const swaps = new Swaps({
    holder,
    log,
    metrics: new Metrics(),
    // Unusable on purpose: the first upgrade starts, then fails on it.
    reindex: {} as ReindexDeps,
    notReady: () => null,
  });
  assert.equal(swaps.startReindex("model/a").state, "running");
  assert.throws(
    () => swaps.startReindex("model/b"),
    (err) => err instanceof ConflictError && err.code === "reindex_running",
  );
  await swaps.settled();
  assert.equal(swaps.reindexState.state, "failed");
  assert.deepEqual(swaps.counts(), {});
  assert.ok(log.lines.some((l) => l.event === "reindex_failed"));
});
