/**
 * The lexical half of the `VectorIndex` contract (`searchLexical`, case-insensitive
 * filters), run against every implementation, plus compaction.
 * @module
 */

import assert from "node:assert/strict";
import { IndexError } from "../errors.ts";
import {
  createBruteForceIndex,
  createUsearchIndex,
  type VectorIndex,
} from "./mod.ts";
import { rebuild } from "./rebuild.ts";
import { randomVectors, record } from "./_test_util.ts";

const DIMS = 8;
type Factory = () => VectorIndex;

const TITLES = [
  "Amarelle Women's Chronograph Analog Watches",
  "Crimson Velvet Evening Gown",
  "Red Evening Dress",
  "Velvet Sofa Cushion",
  "Rustique Unisex White Rubber Chronograph Wristwatch",
  "Blue Denim Jacket",
];

function catalogue(make: Factory): VectorIndex {
  const index = make();
  const vectors = randomVectors(TITLES.length, DIMS, 3);
  TITLES.forEach((title, i) =>
    index.upsert(
      record(i, {
        title,
        attrs: { brand: i % 2 === 0 ? "Velocity Pro" : "Marlowe" },
      }),
      vectors[i] as Float32Array,
    )
  );
  return index;
}

const ids = (hits: readonly { id: string }[]) => hits.map((h) => h.id);

function lexicalContract(name: string, make: Factory): void {
  Deno.test(`${name}: searchLexical() finds title words, folded plurals first by BM25`, () => {
    using index = catalogue(make);
    assert.deepEqual(ids(index.searchLexical("chronographs", { k: 10 })), [
      "p0",
      "p4",
    ]);
    const exact = index.searchLexical("crimson velvet evening gown", { k: 3 });
    assert.equal(exact[0]?.id, "p1");
    // every token once in an average-length document: BM25 gives ~0.48 of the bound
    const [first, second] = exact;
    assert.ok(first && second && first.match > 0.4 && first.match < 1);
    assert.ok(first.match > 3 * second.match);
    assert.ok(exact.every((h, i) => i === 0 || h.score <= exact[i - 1]!.score));
    assert.deepEqual(index.searchLexical("tartan", { k: 5 }), []);
    assert.deepEqual(index.searchLexical("", { k: 5 }), []);
  });

  Deno.test(`${name}: searchLexical() matches attribute values and applies filters case-insensitively`, () => {
    using index = catalogue(make);
    // same tf, p1 is the longest document
    assert.deepEqual(ids(index.searchLexical("marlowe", { k: 10 })), [
      "p3",
      "p5",
      "p1",
    ]);
    const filtered = index.searchLexical("velvet", {
      k: 10,
      filters: [{ attr: "brand", value: "MARLOWE" }],
    });
    assert.deepEqual(ids(filtered), ["p3", "p1"]); // p3 is shorter
    assert.deepEqual(
      index.searchLexical("velvet", {
        k: 10,
        filters: [{ attr: "brand", value: "velocity pro" }],
      }),
      [],
    );
  });

  Deno.test(`${name}: search() filters compare values case-insensitively`, () => {
    using index = catalogue(make);
    const q = new Float32Array(DIMS).fill(1);
    for (const value of ["velocity pro", "Velocity Pro", "VELOCITY  PRO"]) {
      const hits = index.search(q, {
        k: 10,
        filters: [{ attr: "brand", value }],
      });
      assert.deepEqual(ids(hits).sort(), ["p0", "p2", "p4"]);
    }
  });

  Deno.test(`${name}: upsert() and remove() keep the lexical postings in step`, () => {
    using index = catalogue(make);
    const v = new Float32Array(DIMS).fill(1);
    index.upsert(record(1, { title: "Tartan Scarf", attrs: {} }), v);
    assert.deepEqual(index.searchLexical("gown", { k: 5 }), []);
    assert.deepEqual(ids(index.searchLexical("tartan", { k: 5 })), ["p1"]);
    assert.deepEqual(ids(index.searchLexical("marlowe", { k: 5 })), [
      "p3",
      "p5",
    ]);
    assert.equal(index.remove("p4"), true);
    assert.deepEqual(ids(index.searchLexical("chronograph", { k: 5 })), ["p0"]);
    index.upsert(record(4, { title: "Chronograph", attrs: {} }), v);
    assert.deepEqual(ids(index.searchLexical("chronograph", { k: 5 })), [
      "p4",
      "p0",
    ]);
  });

  Deno.test(`${name}: searchLexical() checks its input and refuses use after dispose`, () => {
    const index = catalogue(make);
    assert.throws(
      () => index.searchLexical(3 as unknown as string, { k: 1 }),
      TypeError,
    );
    assert.throws(() => index.searchLexical("red", { k: 0 }), RangeError);
    index[Symbol.dispose]();
    assert.throws(() => index.searchLexical("red", { k: 1 }), IndexError);
  });

  Deno.test(`${name}: rebuild() keeps the lexical channel`, async () => {
    using index = catalogue(make);
    index.remove("p0");
    using next = await rebuild(index, { yieldFn: () => Promise.resolve() });
    for (const text of ["chronograph", "velvet evening", "marlowe"]) {
      assert.deepEqual(
        next.searchLexical(text, { k: 10 }),
        index.searchLexical(text, { k: 10 }).map((h) => ({ ...h })),
      );
    }
  });
}

lexicalContract(
  "createBruteForceIndex()",
  () => createBruteForceIndex({ dims: DIMS, modelVersion: "m1" }),
);
lexicalContract(
  "createUsearchIndex()",
  () => createUsearchIndex({ dims: DIMS, modelVersion: "m1" }),
);
