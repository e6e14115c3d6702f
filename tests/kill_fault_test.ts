/**
 * Issue 5, faults (CI short mode of `deno task faults`): the service runs as a child
 * process and is killed with SIGKILL at a random moment while events stream; then its
 * newest snapshot is left as is, corrupted, or all snapshots are wiped, or the topic is
 * deleted and created again (issue 13: the old log's snapshot must not be used), or the
 * snapshot folder became unwritable before the kill (nothing committed meanwhile). After restart,
 * the snapshot it loads covers every committed offset and, once caught up, the index
 * holds exactly the live products with their latest titles.
 */
import assert from "node:assert/strict";
import { type FaultMode, runKillTrial } from "../tools/fault_trial.ts";
import { testBrokers } from "../ingest/testing.ts";

const MODES: FaultMode[] = [
  "kill",
  "corrupt-newest",
  "wipe-snapshots",
  "recreate-topic",
  "snapshots-unwritable",
];

for (const [i, mode] of MODES.entries()) {
  Deno.test(`kill -9 trial (${mode}): nothing committed is lost, no extra product`, async () => {
    const result = await runKillTrial({
      brokers: testBrokers(),
      mode,
      seed: 1000 + i * 7919 + Math.floor(Math.random() * 1000),
      events: 800,
      ids: 250,
    });
    assert.deepEqual(result.problems, [], JSON.stringify(result));
    assert.equal(result.lost, 0);
    assert.equal(result.extra, 0);
    assert.ok(result.liveExpected > 0);
  });
}
