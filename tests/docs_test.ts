/** The README stays in step with the code: every option and every task is documented. */
import assert from "node:assert/strict";
import { ENV_VARS } from "../config.ts";

const readme = await Deno.readTextFile(
  new URL("../README.md", import.meta.url),
);

/** Table rows of the README as trimmed cells. */
const rows = readme.split("\n").filter((l) => l.startsWith("|")).map((l) =>
  l.split("|").slice(1, -1).map((c) => c.trim())
);

Deno.test("README documents every environment variable with its default", () => {
  for (const v of ENV_VARS) {
    const row = rows.find((r) => r[0] === `\`${v.name}\``);
    assert.ok(row, `README has no row for ${v.name}`);
    assert.equal(row[1], v.default, `README default of ${v.name}`);
  }
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
