import assert from "node:assert/strict";
import { Metrics } from "./metrics.ts";

Deno.test("Counter.byLabel() lists every series by one label's value", () => {
  const metrics = new Metrics();
  const dlq = metrics.counter("dlq_total", "Dead-lettered, by reason");
  assert.deepEqual(dlq.byLabel("reason"), {});
  dlq.inc({ reason: "invalid_json" });
  dlq.inc({ reason: "invalid_json" });
  dlq.inc({ reason: "missing_id" }, 3);
  dlq.inc();
  assert.deepEqual(dlq.byLabel("reason"), {
    invalid_json: 2,
    missing_id: 3,
    "": 1,
  });
  // The same family through another handle: one set of series.
  assert.equal(
    metrics.counter("dlq_total", "").byLabel("reason").missing_id,
    3,
  );
});
