import assert from "node:assert/strict";
import { satisfies } from "./queries.ts";
import type { ProductAttrs } from "./product.ts";

const navyDress: ProductAttrs = {
  type: "dress",
  category: "fashion",
  colour: "navy",
  colourFamily: "blue",
  pattern: "solid",
  material: "silk",
  gender: "women",
  brand: "Velora",
};

Deno.test("satisfies() maps colour families and exact colours", () => {
  assert.ok(satisfies(navyDress, { type: "dress", colourFamily: "blue" }));
  assert.ok(satisfies(navyDress, { type: "dress", colour: "navy" }));
  assert.ok(!satisfies(navyDress, { type: "dress", colour: "blue" }));
  assert.ok(!satisfies(navyDress, { type: "skirt", colourFamily: "blue" }));
});

Deno.test("satisfies() lets unisex products match women and men but not kids", () => {
  const watch = {
    ...navyDress,
    type: "watch",
    category: "accessories",
    gender: "unisex",
  };
  assert.ok(satisfies(watch, { type: "watch", gender: "men" }));
  assert.ok(satisfies(watch, { type: "watch", gender: "women" }));
  assert.ok(!satisfies(watch, { type: "watch", gender: "kids" }));
  assert.ok(!satisfies(navyDress, { gender: "men" }));
});

Deno.test("satisfies() checks category, brand, material and pattern", () => {
  assert.ok(
    satisfies(navyDress, {
      category: "fashion",
      brand: "Velora",
      material: "silk",
      pattern: "solid",
    }),
  );
  assert.ok(!satisfies(navyDress, { category: "bags" }));
  assert.ok(!satisfies(navyDress, { pattern: "striped" }));
});
