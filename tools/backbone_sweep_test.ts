import assert from "node:assert/strict";

async function task(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "backbone-sweep", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return {
    code: out.code,
    stdout: decode(out.stdout),
    stderr: decode(out.stderr),
  };
}

Deno.test("deno task backbone-sweep --help exits 0 with the usage", async () => {
  const { code, stdout } = await task("--help");
  assert.equal(code, 0);
  assert.match(stdout, /Usage: deno task backbone-sweep/);
});

Deno.test("deno task backbone-sweep rejects bad options with one line and exit 2", async () => {
  for (
    const [args, message] of [
      [["--bogus"], 'Unknown option "--bogus": see --help'],
      [
        ["--sizes", "96,x"],
        'Invalid value for --sizes: "x" (want a positive integer)',
      ],
      [["--out"], "Missing value for --out"],
    ] as const
  ) {
    const { code, stderr } = await task(...args);
    assert.equal(code, 2);
    assert.equal(stderr.trim(), message);
  }
});
