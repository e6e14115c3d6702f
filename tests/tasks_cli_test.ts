/**
 * Every task in deno.json, run as the README gives it (`deno task NAME`, with the task's
 * own permissions): `--help` prints its usage and exits 0; an unknown option gets one
 * line on stderr and exit 2, never a stack trace or a start.
 */
import assert from "node:assert/strict";

const ROOT = new URL("..", import.meta.url);
const TASKS = Object.keys(
  JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT))).tasks,
) as string[];

async function task(name: string, args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", name, ...args],
    cwd: ROOT,
    // An unreachable broker: a task that wrongly starts must not find one.
    env: { KAFKA_BROKERS: "127.0.0.1:1", NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("every deno task answers --help with its usage and exit 0", async (t) => {
  assert.ok(TASKS.length >= 13, TASKS.join(","));
  for (const name of TASKS) {
    await t.step(name, async () => {
      const r = await task(name, ["--help"]);
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      assert.match(
        r.stdout,
        new RegExp(`^Usage:\\s+deno task ${name}\\b`),
        name,
      );
      assert.doesNotMatch(r.stderr, /error|at /i, name);
    });
  }
});

Deno.test("every deno task answers an unknown option with one line and exit 2", async (t) => {
  for (const name of TASKS.filter((n) => n !== "test" && n !== "ok")) {
    await t.step(name, async () => {
      const r = await task(name, ["--no-such-option"]);
      assert.equal(r.code, 2, `${name}: ${r.stdout}${r.stderr}`);
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 1, `${name}: ${r.stderr}`);
      assert.match(lines[0] ?? "", /^Error: .*--no-such-option/, name);
    });
  }
});

Deno.test("serve and fanout check their flags like the service's options, every problem in one line", async () => {
  const serve = await task("serve", ["--port", "70000", "--poll-ms", "5"]);
  assert.equal(serve.code, 2, serve.stdout + serve.stderr);
  assert.equal(
    serve.stderr.trim(),
    "Error: --snapshots DIR is required; --port must be between 0 and 65535: got 70000; --poll-ms must be between 10 and 3600000: got 5 (see --help)",
  );
  const fanout = await task("fanout", [
    "--shard",
    "localhost:8080",
    "--timeout-ms",
    "soon",
  ]);
  assert.equal(fanout.code, 2, fanout.stdout + fanout.stderr);
  assert.equal(
    fanout.stderr.trim(),
    'Error: --shard must be an http:// or https:// URL: got "localhost:8080"; --timeout-ms must be an integer: got "soon" (see --help)',
  );
});
