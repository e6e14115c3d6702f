import assert from "node:assert/strict";
import { mentionsColour } from "./colour.ts";
import {
  datasetKind,
  parseDatasetProducts,
  prepareDataset,
  SAME_TITLE,
} from "./dataset.ts";
import type { EvalQuery } from "./data.ts";
import { tinyDatasetText } from "./testing.ts";

const ikea = parseDatasetProducts(tinyDatasetText("ikea"));
const grocery = parseDatasetProducts(tinyDatasetText("grocery"));

const byQuery = (qs: readonly EvalQuery[]) =>
  new Map(qs.map((q) => [q.query, q]));

Deno.test("parseDatasetProducts() reads upserts with attrs and rejects bad lines", () => {
  assert.equal(ikea.length, 10);
  assert.deepEqual(ikea[1]?.attrs, {
    type: "Chair",
    size: "40 cm",
    colour: "White,backaryd white",
  });
  assert.deepEqual(ikea[1]?.image, { path: "images/c2.jpg" });
  assert.throws(
    () => parseDatasetProducts('{"op":"upsert","id":"a","title":"x"}\n', "f"),
    (e: unknown) => e instanceof SyntaxError && /line 1 of "f"/.test(e.message),
  );
  assert.throws(() => parseDatasetProducts("{oops\n"), SyntaxError);
  const line = tinyDatasetText("ikea").split("\n")[0] ?? "";
  assert.throws(
    () => parseDatasetProducts(`${line}\n${line}\n`),
    /duplicate id "c1"/,
  );
});

Deno.test("datasetKind() tells IKEA from grocery by the attributes", () => {
  assert.equal(datasetKind(ikea), "ikea");
  assert.equal(datasetKind(grocery), "grocery");
  assert.throws(() => datasetKind([]), RangeError);
  assert.throws(
    () => datasetKind([{ ...ikea[0]!, attrs: { colour: "White" } }]),
    RangeError,
  );
});

Deno.test("prepareDataset() derives IKEA type and type+colour queries with attribute relevance", () => {
  const d = prepareDataset(ikea, { seed: 1 });
  const q = byQuery(d.queries);
  assert.deepEqual(
    [...q.keys()].sort(),
    [
      "black chair",
      "chair",
      "dark grey table",
      "grey chair",
      "off-white rug flatwoven",
      "rug flatwoven",
      "table",
      "white chair",
      "white table",
    ],
  );
  // the lamp is alone of its type; "white" matches both rugs (white, off-white), so it
  // does not narrow them and gets no query, while "off-white" does
  assert.deepEqual(q.get("chair")?.relevant, ["c1", "c2", "c3", "c4"]);
  assert.deepEqual(q.get("chair")?.tags, ["type"]);
  assert.deepEqual(q.get("white chair")?.relevant, ["c1", "c2"]);
  assert.deepEqual(q.get("white chair")?.tags, ["type+colour"]);
  assert.deepEqual(q.get("white chair")?.candidates, ["c1", "c2", "c3", "c4"]);
  assert.equal(q.get("chair")?.candidates, undefined);
  assert.deepEqual(q.get("dark grey table")?.relevant, ["t2"]);
  assert.deepEqual(q.get("rug flatwoven")?.relevant, ["r1", "r2"]);
  assert.deepEqual(q.get("off-white rug flatwoven")?.relevant, ["r2"]);
  assert.equal(d.imageQueries.length, 0);
  assert.equal(d.evalSplit, "all");
  assert.deepEqual(d.splits, { all: ikea.map((p) => p.id) });
});

Deno.test("prepareDataset() strips the colour from half of the coloured titles and marks them imageOnly", () => {
  const d = prepareDataset(ikea, { seed: 1 });
  // 9 products have a colour phrase (t3 is stainless steel): 4 lose it
  assert.equal(d.colourStripped.length, 4);
  const title = new Map(d.products.map((p) => [p.id, p.title]));
  for (const p of ikea) {
    const stripped = d.colourStripped.includes(p.id);
    assert.equal(title.get(p.id) !== p.title, stripped, p.id);
    if (stripped) {
      assert.ok(!/white|black|grey|red/i.test(title.get(p.id) ?? ""), p.id);
    }
  }
  for (const query of d.queries) {
    const colour = query.tags[0] === "type+colour"
      ? query.query.split(" ").slice(0, -1).join(" ")
      : null;
    const want = colour === null
      ? []
      : query.relevant.filter((id) =>
        !mentionsColour(title.get(id) ?? "", colour)
      );
    assert.deepEqual(query.imageOnly, want, query.query);
  }
  assert.ok(d.queries.some((x) => x.imageOnly.length > 0));
});

Deno.test("prepareDataset() is deterministic for a seed and varies across seeds", () => {
  const a = prepareDataset(ikea, { seed: 7, holdout: 0.4 });
  const b = prepareDataset(ikea, { seed: 7, holdout: 0.4 });
  assert.deepEqual(a, b);
  const choices = new Set(
    Array.from(
      { length: 8 },
      (_, s) => prepareDataset(ikea, { seed: s }).colourStripped.join(),
    ),
  );
  assert.ok(choices.size > 1, "every seed stripped the same titles");
  // the hold-out share does not change which titles lose their colour
  assert.deepEqual(
    prepareDataset(ikea, { seed: 7 }).colourStripped,
    a.colourStripped,
  );
});

Deno.test("prepareDataset() holds out a seeded share and queries only the held-out part", () => {
  const d = prepareDataset(ikea, { seed: 3, holdout: 0.5 });
  const adapt = d.splits.adapt ?? [];
  const held = d.splits.holdout ?? [];
  assert.equal(d.evalSplit, "holdout");
  assert.equal(held.length, 5);
  assert.deepEqual([...adapt, ...held].sort(), ikea.map((p) => p.id).sort());
  const heldSet = new Set(held);
  for (const q of d.queries) {
    assert.ok(q.relevant.every((id) => heldSet.has(id)), q.query);
  }
  assert.throws(() => prepareDataset(ikea, { holdout: 1 }), RangeError);
  assert.throws(() => prepareDataset(ikea, { seed: -1 }), RangeError);
});

Deno.test("prepareDataset() derives grocery class queries and image→image queries", () => {
  const d = prepareDataset(grocery, { seed: 1 });
  const q = byQuery(d.queries);
  assert.deepEqual([...q.keys()], [
    "golden delicious",
    "granny smith",
    "lemon",
    "apple",
  ]);
  assert.equal(q.get("apple")?.relevant.length, 6);
  assert.deepEqual(q.get("apple")?.tags, ["coarse class"]);
  assert.deepEqual(q.get("lemon")?.relevant, [
    "g-Lemon-iconic",
    "g-Lemon-001",
    "g-Lemon-002",
  ]);
  assert.equal(d.colourStripped.length, 0);
  assert.deepEqual(
    d.products.map((p) => p.title),
    grocery.map((p) => p.title),
  );
  // each of the 6 in-store photos: find the iconic image, find the rest of its class
  assert.equal(d.imageQueries.length, 12);
  assert.deepEqual(d.imageQueries[0], {
    qid: "i1",
    id: "g-Golden-Delicious-001",
    relevant: ["g-Golden-Delicious-iconic"],
    tag: "in-store → iconic",
  });
  assert.deepEqual(d.imageQueries[1]?.relevant, [
    "g-Golden-Delicious-iconic",
    "g-Golden-Delicious-002",
  ]);
});

Deno.test("prepareDataset() holds out whole grocery classes", () => {
  const d = prepareDataset(grocery, { seed: 2, holdout: 0.34 });
  const held = new Set(d.splits.holdout);
  const classes = (ids: Set<string>) =>
    new Set(grocery.filter((p) => ids.has(p.id)).map((p) => p.attrs.class));
  const adaptClasses = classes(new Set(d.splits.adapt));
  assert.equal(classes(held).size, 1);
  for (const c of classes(held)) assert.ok(!adaptClasses.has(c));
  assert.ok(d.imageQueries.every((x) => held.has(x.id)));
});

Deno.test("prepareDataset() with sameTitle gives every product one title", () => {
  const d = prepareDataset(ikea, { seed: 1, sameTitle: true });
  assert.ok(d.products.every((p) => p.title === SAME_TITLE));
  for (const query of d.queries) {
    if (query.tags[0] === "type+colour") {
      assert.deepEqual(query.imageOnly, query.relevant, query.query);
    }
  }
});

Deno.test("prepareDataset() with noImages leaves every image out", () => {
  const d = prepareDataset(ikea, { seed: 1, noImages: true });
  assert.ok(d.products.every((p) => p.image === null));
  assert.deepEqual(
    d.queries,
    prepareDataset(ikea, { seed: 1 }).queries,
  );
  assert.throws(
    () => prepareDataset(ikea, { sameTitle: true, noImages: true }),
    RangeError,
  );
});
