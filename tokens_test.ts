import assert from "node:assert/strict";
import { filterValueKey, lexicalTokens } from "./tokens.ts";

Deno.test("lexicalTokens() lower-cases, splits on punctuation and folds plurals", () => {
  assert.deepEqual(
    lexicalTokens("Women's Chronograph Watches, 2-Pack (Dresses/Berries)"),
    ["women", "s", "chronograph", "watch", "2", "pack", "dress", "berry"],
  );
  assert.deepEqual(lexicalTokens("glass bus boxes"), ["glass", "bus", "box"]);
  assert.deepEqual(lexicalTokens("  ...  "), []);
});

Deno.test("lexicalTokens() applies NFKC and strips accents outside ASCII", () => {
  assert.deepEqual(lexicalTokens("Ｃａｆé Crème"), ["cafe", "creme"]);
  assert.deepEqual(lexicalTokens("ﬁne"), ["fine"]);
});

Deno.test("filterValueKey() compares values case- and width-insensitively", () => {
  assert.equal(filterValueKey("Velocity  Pro "), "velocity pro");
  assert.equal(filterValueKey("Ｎａｖｙ"), "navy");
  assert.equal(filterValueKey(42), "42");
  assert.equal(filterValueKey(true), "true");
  assert.notEqual(filterValueKey("navy"), filterValueKey("navy blue"));
});
