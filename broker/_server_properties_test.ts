import assert from "node:assert/strict";
import { randomClusterId } from "./_server_properties.ts";

Deno.test("randomClusterId() gives 22 URL-safe characters, never a leading '-' that kafka-storage would read as an option", () => {
  for (let i = 0; i < 5000; i++) {
    const id = randomClusterId();
    assert.match(id, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/, id);
  }
});
