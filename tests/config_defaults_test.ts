/**
 * Defaults are written once. The service's index defaults are the settings the index
 * stage measured and ships; the other named defaults live only in their option's
 * declaration (config.ts `OPTIONS`), which production code reads instead of repeating
 * the value.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { loadConfig, OPTIONS } from "../config.ts";
import { USEARCH_DEFAULTS } from "../index/mod.ts";

Deno.test("loadConfig() index defaults equal USEARCH_DEFAULTS", () => {
  const { index } = loadConfig({});
  assert.deepEqual(
    {
      connectivity: index.connectivity,
      expansionAdd: index.expansionAdd,
      expansionSearch: index.expansionSearch,
      quantization: index.quantization,
    },
    { ...USEARCH_DEFAULTS },
  );
});

const ROOT = new URL("..", import.meta.url).pathname;
const SKIP = new Set([
  "node_modules",
  "data",
  ".kafka",
  "bench-results",
  ".git",
]);

/** Production .ts files: no tests, no test fakes, no test folder. */
async function* sources(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory && !SKIP.has(e.name) && e.name !== "tests") {
      yield* sources(path);
    } else if (
      e.isFile && e.name.endsWith(".ts") && !e.name.endsWith("_test.ts") &&
      e.name !== "testing.ts" && !e.name.startsWith("_test")
    ) {
      yield path;
    }
  }
}

Deno.test("the model dir, client id, group and dead-letter topic defaults are written only in config.ts", async () => {
  const defaults = [
    OPTIONS.encoder.modelDir,
    OPTIONS.kafka.clientId,
    OPTIONS.kafka.groupId,
    OPTIONS.kafka.dlqTopic,
  ].map((o) => o.default);
  const offenders: string[] = [];
  for await (const path of sources(ROOT)) {
    const file = relative(ROOT, path);
    if (file === "config.ts") continue;
    const text = await Deno.readTextFile(path);
    for (const value of defaults) {
      if (
        new RegExp(`["'\`]${value.replaceAll(".", "\\.")}["'\`]`).test(text)
      ) {
        offenders.push(`${file}: "${value}"`);
      }
    }
  }
  assert.deepEqual(offenders, []);
});
