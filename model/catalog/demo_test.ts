import assert from "node:assert/strict";
import { generateDemoCatalog } from "./demo.ts";

Deno.test("generateDemoCatalog() features red dresses and keeps one split", () => {
  const demo = generateDemoCatalog();
  assert.equal(demo.products.length, 240);
  const redDresses = demo.products.filter((p) =>
    p.attrs.type === "dress" && p.attrs.colour === "red"
  );
  assert.ok(redDresses.length >= 6, `red dresses ${redDresses.length}`);
  assert.ok(
    redDresses.filter((p) => p.image?.plan.kind === "product").length >= 4,
  );
  assert.equal(demo.splits.train.length, 240);
  assert.ok(demo.queries.train.length >= 50);
  const formats = new Set(demo.products.map((p) => p.image?.format));
  for (const f of ["png", "jpeg", "gif"] as const) assert.ok(formats.has(f), f);
});
