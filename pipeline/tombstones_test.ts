import assert from "node:assert/strict";
import { TombstoneCache } from "./tombstones.ts";

Deno.test("TombstoneCache forgets the oldest delete beyond its capacity", () => {
  const c = new TombstoneCache(2);
  c.set("a", 1);
  c.set("b", 2);
  c.set("c", 3);
  assert.equal(c.get("a"), undefined);
  assert.deepEqual(c.entries(), [["b", 2], ["c", 3]]);
});

Deno.test("TombstoneCache.from() restores entries() and keeps the newest within capacity", () => {
  const c = new TombstoneCache(3);
  c.set("a", 1);
  c.set("b", 2);
  c.set("a", 5);
  const restored = TombstoneCache.from(c.entries(), 3);
  assert.deepEqual(restored.entries(), [["b", 2], ["a", 5]]);
  assert.deepEqual(TombstoneCache.from(c.entries(), 1).entries(), [["a", 5]]);
});
