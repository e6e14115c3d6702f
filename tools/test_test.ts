import assert from "node:assert/strict";
import { parseSummary } from "./test.ts";

Deno.test("parseSummary() reads Deno's ok and FAILED summary lines", () => {
  assert.deepEqual(parseSummary("ok | 12 passed | 0 failed (3s)"), {
    passed: 12,
    failed: 0,
  });
  assert.deepEqual(
    parseSummary("FAILED | 40 passed (7 steps) | 2 failed | 1 ignored (9s)"),
    { passed: 40, failed: 2 },
  );
  assert.deepEqual(
    parseSummary("\x1b[0m\x1b[32mok\x1b[0m | 3 passed | 0 failed (1s)"),
    { passed: 3, failed: 0 },
  );
});

Deno.test("parseSummary() ignores other lines", () => {
  assert.equal(parseSummary("running 3 tests from ./a_test.ts"), undefined);
  assert.equal(parseSummary("some test ... ok (5ms)"), undefined);
});
