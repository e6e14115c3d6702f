/**
 * Issue 13, item 2, as a test: the service (a child process, as `deno task ingest` runs)
 * is killed with SIGKILL twice while updates stream in; after the last restart every
 * product must be there with its latest title, none lost, and quickly. What the service
 * controls is asserted: from the restarted process listening to every product caught up,
 * under 20 s (the killed members' group sessions, 10 s by default, plus the snapshot
 * load and the replay; before the fix two kills cost about a minute there). The whole
 * time from the restart, process start included, is the issue's 30 s; it is measured
 * with `deno task faults --recovery 3000 --kills 2` (docs/OPERATIONS.md) and only
 * reported here, because starting a Deno process with the model takes 5–20 s on the
 * shared two cores depending on their load. Fewer products than the issue's 3,000 keep
 * the test short.
 */
import assert from "node:assert/strict";
import { measureRecovery } from "../tools/fault_recovery.ts";
import { testBrokers } from "./_kafka.ts";

const PRODUCTS = 1000;
const AFTER_UP_MS = 20_000;

Deno.test(
  `kill -9 twice while ${PRODUCTS} products stream: all caught up within ${
    AFTER_UP_MS / 1000
  } s of the restarted process listening`,
  async () => {
    const r = await measureRecovery({
      brokers: testBrokers(),
      products: PRODUCTS,
      kills: 2,
    });
    const figures = JSON.stringify(r);
    assert.equal(r.lost, 0, figures);
    assert.equal(r.checked, PRODUCTS, figures);
    const afterUp = r.caughtUpAfterMs - r.upAfterMs;
    assert.ok(
      afterUp < AFTER_UP_MS,
      `caught up ${afterUp} ms after the process was up (${r.caughtUpAfterMs} ms after the restart): ${figures}`,
    );
  },
);
