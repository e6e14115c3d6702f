import assert from "node:assert/strict";
import { generateCatalog } from "./generate.ts";
import { satisfies } from "./queries.ts";
import { catalogVocabulary } from "./vocabulary.ts";
import { BRANDS } from "./attributes_table.ts";
import { PRODUCT_TYPES } from "./types_table.ts";

const catalog = generateCatalog({ products: 1500, seed: 7 });

Deno.test("generateCatalog() is deterministic for a seed and differs across seeds", () => {
  const again = generateCatalog({ products: 1500, seed: 7 });
  assert.equal(JSON.stringify(again), JSON.stringify(catalog));
  const other = generateCatalog({ products: 1500, seed: 8 });
  assert.notEqual(
    JSON.stringify(other.products),
    JSON.stringify(catalog.products),
  );
});

Deno.test("generateCatalog() splits by product with every product in exactly one split", () => {
  const all = [
    ...catalog.splits.train,
    ...catalog.splits.val,
    ...catalog.splits.test,
    ...catalog.splits.unseen,
  ];
  assert.equal(all.length, 1500);
  assert.equal(new Set(all).size, 1500);
  for (const split of ["val", "test", "unseen"] as const) {
    assert.ok(catalog.splits[split].length > 80, split);
  }
});

Deno.test("generateCatalog() keeps unseen brands and held-out words out of training data", () => {
  const unseenBrands = Object.values(BRANDS).flatMap((b) => b.unseen);
  const heldOut = catalogVocabulary().filter((t) =>
    t.heldOut && t.type !== "brand"
  ).map((t) => t.term);
  const trainish = catalog.products.filter((p) => p.split !== "unseen");
  const words = (s: string) =>
    ` ${s.toLowerCase().replace(/[^a-z0-9%-]+/g, " ")} `;
  for (const p of trainish) {
    assert.ok(!unseenBrands.includes(p.attrs.brand), p.id);
    for (const w of heldOut) {
      assert.ok(
        !words(p.title).includes(` ${w} `),
        `${p.id} "${p.title}" has "${w}"`,
      );
    }
  }
  for (const q of catalog.queries.train) {
    for (const w of heldOut) {
      assert.ok(!words(q.query).includes(` ${w} `), q.query);
    }
  }
  const unseen = catalog.products.filter((p) => p.split === "unseen");
  assert.ok(unseen.every((p) => unseenBrands.includes(p.attrs.brand)));
  assert.ok(
    unseen.some((p) => heldOut.some((w) => words(p.title).includes(` ${w} `))),
  );
});

Deno.test("generateCatalog() relevance lists hold exactly the satisfying products of the split", () => {
  const byId = new Map(catalog.products.map((p) => [p.id, p]));
  for (const split of ["test", "unseen"] as const) {
    const members = catalog.splits[split].map((id) => byId.get(id)!);
    for (const q of catalog.queries[split]) {
      const expected = members.filter((p) => satisfies(p.attrs, q.constraints))
        .map((p) => p.id);
      assert.deepEqual(q.relevant, expected, q.query);
      assert.ok(q.relevant.length > 0, q.query);
      const words = q.query.split(" ").length;
      assert.ok(words >= 1 && words <= 4, q.query);
    }
  }
});

Deno.test("generateCatalog() titles omit the colour about 30% of the time, never without an informative image", () => {
  const omitted = catalog.products.filter((p) => !p.colourInTitle);
  const share = omitted.length / catalog.products.length;
  assert.ok(share > 0.2 && share < 0.35, `share ${share}`);
  assert.ok(omitted.every((p) => p.image?.plan.kind === "product"));
  assert.ok(catalog.products.some((p) => p.image === null));
  assert.ok(
    catalog.products.some((p) =>
      p.image?.plan.kind === "box" || p.image?.plan.kind === "card"
    ),
  );
});

Deno.test("generateCatalog() covers at least 40 types and 25 colours", () => {
  assert.ok(PRODUCT_TYPES.length >= 40);
  assert.ok(new Set(catalog.products.map((p) => p.attrs.type)).size >= 40);
  assert.ok(new Set(catalog.products.map((p) => p.attrs.colour)).size >= 25);
});

Deno.test("generateCatalog() rejects invalid options", () => {
  assert.throws(() => generateCatalog({ products: 0, seed: 1 }), RangeError);
  assert.throws(() => generateCatalog({ products: 10, seed: 1.5 }), RangeError);
});
