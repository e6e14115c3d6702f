import assert from "node:assert/strict";
import { createMemoryLogger } from "../log.ts";
import { Metrics } from "../metrics.ts";
import { IndexHolder } from "../index/mod.ts";
import { HttpError } from "../api/mod.ts";
import type { ReindexDeps } from "./reindex.ts";
import { Swaps } from "./swaps.ts";

Deno.test("Swaps.startReindex() refuses with 409 until the consumer has caught up", () => {
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
  assert.ok(err instanceof HttpError);
  assert.equal(err.status, 409);
  assert.equal(err.code, "not_ready");
  assert.deepEqual(swaps.reindexState, { state: "idle" });
});
