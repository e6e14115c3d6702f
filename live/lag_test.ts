import assert from "node:assert/strict";
import type { SourceStatus } from "../ingest/mod.ts";
import { appliedLag, caughtUp, Readiness } from "./lag.ts";

function status(
  partitions: Array<[number, string | null, string | null, string?]>,
  state: SourceStatus["state"] = "connected",
): SourceStatus {
  return {
    state,
    lastContactMs: 0,
    lastError: null,
    buffered: 0,
    totalLag: 0,
    rebalances: 1,
    partitions: partitions.map(([partition, high, next, low]) => ({
      topic: "t",
      partition,
      lowWatermark: low ?? "0",
      highWatermark: high,
      nextOffset: next,
      committedOffset: null,
      lag: 0,
    })),
  };
}

Deno.test("appliedLag() counts what is not in the index, not what was delivered", () => {
  // Delivered up to the log end (source lag 0), but only offset 40 applied.
  const lag = appliedLag(status([[0, "100", "100"], [1, "50", "50"]]), {
    t: { "0": "40", "1": "50" },
  }, "t");
  assert.equal(lag.total, 60);
  assert.deepEqual(lag.partitions.map((p) => p.lag), [60, 0]);
});

Deno.test("appliedLag() counts the whole log of a partition with nothing applied", () => {
  const lag = appliedLag(status([[0, "30", "30"]]), {}, "t");
  assert.equal(lag.total, 30);
  assert.equal(lag.known, true);
});

Deno.test("appliedLag() counts from the log start when nothing is applied", () => {
  // Compaction moved the log start to 95: only 5 messages are left to apply.
  const lag = appliedLag(status([[0, "100", "100", "95"]]), {}, "t");
  assert.equal(lag.total, 5);
  const empty = appliedLag(status([[0, "100", "100", "100"]]), {}, "t");
  assert.equal(empty.total, 0);
});

Deno.test("caughtUp() needs a connected consumer, partitions, and everything applied", () => {
  assert.equal(
    caughtUp(status([[0, "5", "5"]]), { t: { "0": "5" } }, "t"),
    true,
  );
  assert.equal(
    caughtUp(status([[0, "5", "5"]]), { t: { "0": "4" } }, "t"),
    false,
  );
  assert.equal(caughtUp(status([]), {}, "t"), false);
  assert.equal(caughtUp(status([[0, null, null]]), {}, "t"), false);
  const unknownStart = status([[0, "5", "5"]]);
  const noLow = {
    ...unknownStart,
    partitions: unknownStart.partitions.map((p) => ({
      ...p,
      lowWatermark: null,
    })),
  };
  assert.equal(caughtUp(noLow, {}, "t"), false, "log start unknown");
  assert.equal(
    caughtUp(status([[0, "5", "5"]], "disconnected"), { t: { "0": "5" } }, "t"),
    false,
  );
  assert.equal(caughtUp(undefined, {}, "t"), false);
});

Deno.test("Readiness latches the first time the service catches up", () => {
  let caught = false;
  const r = new Readiness(false, () => caught);
  assert.equal(r.ready, false);
  caught = true;
  assert.equal(r.ready, true);
  caught = false;
  assert.equal(r.ready, true, "a later lag took the service out of rotation");
  assert.equal(new Readiness(true, () => false).ready, true);
});
