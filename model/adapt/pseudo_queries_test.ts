import assert from "node:assert/strict";
import { createRng } from "../_kernels.ts";
import {
  catalogKeywords,
  samplePseudoQuery,
  titleWords,
} from "./pseudo_queries.ts";

const TITLES = [
  "KIVIK Sofa, Blue, 200 cm",
  "KIVIK Sofa, Grey",
  "MALM Bed frame, White",
  "HEMNES Bed frame, Black",
  "BILLY Bookcase, White",
  "LACK Table, Black",
];

Deno.test("titleWords() normalises and folds plurals", () => {
  assert.deepEqual(titleWords("Red Dresses, 2-pack"), [
    "red",
    "dress",
    "2",
    "pack",
  ]);
});

Deno.test("catalogKeywords() keeps words in several titles but not in too many", () => {
  const words = catalogKeywords(TITLES, { minTitles: 2, maxFraction: 0.4 });
  assert.deepEqual([...words].sort(), [
    "bed",
    "black",
    "frame",
    "kivik",
    "sofa",
    "white",
  ]);
  // Numbers and one-letter words are never keywords; one title is too few.
  assert.ok(!words.has("200") && !words.has("blue"));
  // Too common: a word in every title.
  const common = catalogKeywords([...TITLES, "Sofa"].map((t) => t + " ikea"), {
    maxFraction: 0.5,
  });
  assert.ok(!common.has("ikea"));
});

Deno.test("samplePseudoQuery() draws 1–3 keywords in title order, optionally dropping one of them from the title", () => {
  const keywords = new Set(["bed", "frame", "white", "black"]);
  const rng = createRng(3);
  let dropped = 0;
  for (let i = 0; i < 200; i++) {
    const pq = samplePseudoQuery("MALM Bed frame, White", keywords, rng, 0.5);
    assert.ok(pq !== null);
    assert.ok(pq.words.length >= 1 && pq.words.length <= 3);
    const order = ["bed", "frame", "white"];
    assert.deepEqual(
      pq.words,
      order.filter((w) => pq.words.includes(w)),
      "title order",
    );
    assert.equal(pq.query, pq.words.join(" "));
    const left = titleWords(pq.title);
    if (pq.dropped !== undefined) {
      dropped++;
      assert.ok(pq.words.includes(pq.dropped));
      assert.ok(!left.includes(pq.dropped), pq.title);
      // Only that word goes: the other query words and the rest stay.
      assert.deepEqual(
        left,
        ["malm", "bed", "frame", "white"].filter((w) => w !== pq.dropped),
      );
    } else assert.equal(pq.title, "MALM Bed frame, White");
  }
  assert.ok(dropped > 60 && dropped < 140, `dropped ${dropped} of 200`);
  assert.equal(samplePseudoQuery("LACK Table", keywords, rng, 0.5), null);
});

Deno.test("samplePseudoQuery() is deterministic for a seed", () => {
  const keywords = catalogKeywords(TITLES, { maxFraction: 0.5 });
  const draw = () => {
    const rng = createRng(11);
    return TITLES.map((t) => samplePseudoQuery(t, keywords, rng, 0.3));
  };
  assert.deepEqual(draw(), draw());
});
