import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url).pathname;

/** Runs `deno <args>` in the repository; fails the test on a non-zero exit. */
async function deno(args: string[]): Promise<string> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout);
  assert.equal(code, 0, out + new TextDecoder().decode(stderr));
  return out;
}

Deno.test("deno task check-layers passes on the repository and says what it checked", async () => {
  const out = await deno(["task", "-q", "check-layers"]);
  assert.match(
    out.trim(),
    /^check-layers: \d{3,} files, \d+ imports, \d+ allowed, 0 violations$/,
  );
});

Deno.test("tools/mod_exports.ts, run as the README says, reports every entry point", async () => {
  const out = await deno([
    "run",
    "--allow-read",
    "--allow-run",
    "tools/mod_exports.ts",
  ]);
  assert.match(
    out,
    /^encode\/mod\.ts: \d+ exported, \d+ used outside \(\d+ by code other than tests and benches\)$/m,
  );
  assert.match(out, /^mod-exports: \d+ entry points, \d+ exports$/m);
});
