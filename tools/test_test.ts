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

Deno.test("deno task test says plainly that the browser test did not run without Chromium", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tools/test.ts", "tests/browser_e2e_test.ts"],
    cwd: new URL("..", import.meta.url),
    // An external broker address skips starting one; the ignored test never uses it.
    env: { CHROMIUM: "/nonexistent/chromium", KAFKA_BROKERS: "127.0.0.1:1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, text);
  assert.match(
    text,
    /browser test did not run: CHROMIUM="\/nonexistent\/chromium" is not a file\n0 passed, 0 failed\n$/,
  );
});
