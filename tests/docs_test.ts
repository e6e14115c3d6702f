/** The README stays in step with the code: every option and every task is documented. */
import assert from "node:assert/strict";
import { ENV_VARS } from "../config.ts";
import { configTable, configTableRows, TABLE_HEADER } from "../config_docs.ts";
import { existsSync } from "node:fs";

const readme = await Deno.readTextFile(
  new URL("../README.md", import.meta.url),
);

/** Table rows of the README as trimmed cells. */
const rows = readme.split("\n").filter((l) => l.startsWith("|")).map((l) =>
  l.split("|").slice(1, -1).map((c) => c.trim())
);

/** The rows of the table in the README's "Configuration" section, header first. */
function configSectionRows(): string[][] {
  const start = readme.indexOf("\n## Configuration\n");
  const end = readme.indexOf("\n## ", start + 1);
  assert.ok(start >= 0, 'README has no "## Configuration" section');
  return readme.slice(start, end < 0 ? undefined : end).split("\n")
    .filter((l) => l.startsWith("|")).map((l) =>
      l.split("|").slice(1, -1).map((c) => c.trim())
    ).filter((r) => !r.every((c) => /^-+$/.test(c)));
}

Deno.test("README documents every environment variable with its default", () => {
  for (const v of ENV_VARS) {
    const row = rows.find((r) => r[0] === `\`${v.name}\``);
    assert.ok(row, `README has no row for ${v.name}`);
    assert.equal(row[1], v.default, `README default of ${v.name}`);
  }
});

Deno.test("README configuration table is the one the declarations make", () => {
  assert.deepEqual(
    configSectionRows(),
    [TABLE_HEADER, ...configTableRows()],
    `README.md, "## Configuration": replace the table with this one, then deno fmt README.md\n\n${configTable()}\n`,
  );
});

Deno.test("README mentions every deno task", async () => {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
  );
  for (const task of Object.keys(config.tasks)) {
    assert.ok(
      readme.includes(`deno task ${task}`),
      `README does not mention "deno task ${task}"`,
    );
  }
});

Deno.test("README opens with the run and test commands", () => {
  const firstBlock = readme.split("```sh")[1]?.split("```")[0] ?? "";
  assert.match(firstBlock, /npx --yes deno@2\.9\.6 task ingest/);
  assert.match(firstBlock, /npx --yes deno@2\.9\.6 task test/);
});

Deno.test("README tells a newcomer how long the first start takes, to wait for /readyz, and what a response holds", () => {
  assert.match(readme, /first start takes/i);
  const wait = readme.indexOf("/readyz");
  const produce = readme.indexOf("task produce samples/products.jsonl");
  assert.ok(wait > 0 && wait < produce, "wait for /readyz before producing");
  for (const field of ["took_ms", "`index`", "model_version", "notice"]) {
    assert.ok(readme.includes(field), `README documents ${field}`);
  }
  assert.match(readme, /wrk/);
  assert.match(readme, /docs\/search-page\.png/);
});

Deno.test({
  name: "no tracked file is matched by .gitignore",
  ignore: !existsSync(new URL("../.git", import.meta.url)),
  async fn() {
    const out = await new Deno.Command("git", {
      args: ["ls-files", "--cached", "--ignored", "--exclude-standard"],
      cwd: new URL("..", import.meta.url),
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.equal(new TextDecoder().decode(out.stdout), "");
  },
});
