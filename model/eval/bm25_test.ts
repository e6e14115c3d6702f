import assert from "node:assert/strict";
import { Bm25Titles, foldPlural } from "./bm25.ts";

Deno.test("foldPlural() folds simple plurals only", () => {
  assert.equal(foldPlural("dresses"), "dress");
  assert.equal(foldPlural("watches"), "watch");
  assert.equal(foldPlural("bodies"), "body");
  assert.equal(foldPlural("sneakers"), "sneaker");
  assert.equal(foldPlural("dress"), "dress");
  assert.equal(foldPlural("glass"), "glass");
  assert.equal(foldPlural("bus"), "bus");
});

Deno.test("Bm25Titles.rank() prefers titles matching more and rarer query terms", () => {
  const bm = new Bm25Titles([
    { id: "a", title: "Red Dress Women Summer" },
    { id: "b", title: "Blue Dresses" },
    { id: "c", title: "Red Sneakers" },
    { id: "d", title: "Desk Lamp" },
  ]);
  const ranked = bm.rank("red dress", 10);
  assert.equal(ranked[0], "a");
  assert.deepEqual(new Set(ranked), new Set(["a", "b", "c"]));
  assert.deepEqual(bm.rank("lamps", 10), ["d"]);
  assert.deepEqual(bm.rank("phone", 10), []);
  assert.equal(bm.rank("red dress", 1).length, 1);
});
