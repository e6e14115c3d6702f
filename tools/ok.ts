/**
 * `deno task ok`: the gate before a merge: `deno fmt --check`, `deno lint`,
 * `deno check .`, `deno task check-layers`, then `deno task test`, stopping at the first that fails.
 * Extra arguments go to the tests. Exit code: the failing step's, else 0.
 * @module
 */
const USAGE = `Usage: deno task ok [deno test arguments…]
The gate before a merge: fmt check, lint, type check, layering check, then every test.`;

const STEPS: readonly (readonly string[])[] = [
  ["fmt", "--check"],
  ["lint"],
  ["check", "."],
  ["task", "check-layers"],
  ["task", "test"],
];

async function main(args: readonly string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    Deno.stdout.writeSync(new TextEncoder().encode(`${USAGE}\n`));
    return 0;
  }
  for (const step of STEPS) {
    const last = step === STEPS.at(-1);
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: last ? [...step, ...args] : [...step],
      stdin: "null",
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (code !== 0) return code;
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
