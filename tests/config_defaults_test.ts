/** The service's configured index defaults are the settings the index stage measured and ships. */
import assert from "node:assert/strict";
import { loadConfig } from "../config.ts";
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
