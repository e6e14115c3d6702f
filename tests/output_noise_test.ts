/**
 * Issue 12: nothing alarming-looking in a clean run's output. `deno install` warns about
 * every npm package whose install scripts it skipped unless deno.json decides for them;
 * Deno.serve prints a "legacy behavior" notice in every process unless the project opts
 * in to the new request.signal behaviour (the service relies on it anyway).
 */
import assert from "node:assert/strict";

const ROOT = new URL("..", import.meta.url);
const config = JSON.parse(
  await Deno.readTextFile(new URL("deno.json", ROOT)),
) as { allowScripts?: { deny?: string[] }; unstable?: string[] };

Deno.test("deno.json decides on every npm package with install scripts, so deno install does not warn", async () => {
  const lock = JSON.parse(await Deno.readTextFile(new URL("deno.lock", ROOT)));
  const withScripts = Object.entries(
    lock.npm as Record<string, { scripts?: boolean }>,
  )
    .filter(([, entry]) => entry.scripts === true)
    .map(([key]) => `npm:${key.slice(0, key.lastIndexOf("@"))}`);
  assert.ok(withScripts.length > 0);
  const decided = new Set(config.allowScripts?.deny ?? []);
  for (const name of withScripts) {
    assert.ok(
      decided.has(name),
      `${name} has install scripts: allow or deny them in deno.json`,
    );
  }
});

Deno.test("a test process that serves HTTP prints no Deno.serve legacy-behaviour notice", async () => {
  assert.ok(config.unstable?.includes("no-legacy-abort"));
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", "api/serve_smoke_test.ts"],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, text);
  assert.doesNotMatch(text, /legacy behavior/);
});
