/**
 * The `VectorIndex` contract, run against every implementation.
 * @module
 */

import assert from "node:assert/strict";
import { IndexError } from "../errors.ts";
import { createBruteForceIndex, createUsearchIndex } from "./mod.ts";
import type { VectorIndex } from "./mod.ts";
import { naiveTopK, randomVectors, record } from "./_test_util.ts";

const DIMS = 16;

type Factory = () => VectorIndex;

function filled(make: Factory, n: number, seed = 1) {
  const index = make();
  const vectors = randomVectors(n, DIMS, seed);
  index.upsertMany(vectors.map((vector, i) => ({ record: record(i), vector })));
  const data = vectors.map((vector, i) => ({ id: `p${i}`, vector }));
  return { index, vectors, data };
}

function vectorIndexContract(name: string, make: Factory): void {
  Deno.test(`${name}: upsert() stores records and get() returns them`, () => {
    using index = make();
    const [v] = randomVectors(1, DIMS, 7);
    index.upsert(record(1), v as Float32Array);
    assert.equal(index.size, 1);
    assert.equal(index.get("p1")?.title, "Product 1");
    assert.equal(index.get("nope"), undefined);
    assert.deepEqual([...index.ids()], ["p1"]);
    assert.equal(index.dims, DIMS);
    assert.equal(index.modelVersion, "m1");
  });

  Deno.test(`${name}: search() matches exact cosine top-k, sorted desc`, () => {
    const { index, data } = filled(make, 300);
    using _ = index;
    for (const q of randomVectors(20, DIMS, 99)) {
      const hits = index.search(q, { k: 10 });
      const want = naiveTopK(data, q, 10);
      assert.deepEqual(hits.map((h) => h.id), want.map((w) => w.id));
      hits.forEach((h, i) => {
        assert.ok(Math.abs(h.score - (want[i]?.score ?? NaN)) < 1e-5);
        assert.equal(h.record.id, h.id);
        if (i > 0) assert.ok((hits[i - 1]?.score ?? 0) >= h.score);
      });
    }
  });

  Deno.test(`${name}: search() of a stored vector finds it first with score 1`, () => {
    const { index, vectors } = filled(make, 100);
    using _ = index;
    const hits = index.search(vectors[42] as Float32Array, { k: 3 });
    assert.equal(hits[0]?.id, "p42");
    assert.ok(Math.abs((hits[0]?.score ?? 0) - 1) < 1e-5);
  });

  Deno.test(`${name}: upsert() of an existing id replaces its vector and record`, () => {
    const { index, vectors } = filled(make, 50);
    using _ = index;
    const fresh = randomVectors(1, DIMS, 1234)[0] as Float32Array;
    index.upsert(record(5, { title: "new", version: 2 }), fresh);
    assert.equal(index.size, 50);
    assert.equal(index.get("p5")?.title, "new");
    assert.equal(index.search(fresh, { k: 1 })[0]?.id, "p5");
    const old = index.search(vectors[5] as Float32Array, { k: 50 });
    assert.equal(old.filter((h) => h.id === "p5").length, 1);
    assert.notEqual(old[0]?.id, "p5");
    assert.equal(index.stats().staleRows, 1);
  });

  Deno.test(`${name}: remove() deletes and reports presence`, () => {
    const { index, vectors } = filled(make, 50);
    using _ = index;
    assert.equal(index.remove("p7"), true);
    assert.equal(index.remove("p7"), false);
    assert.equal(index.remove("missing"), false);
    assert.equal(index.size, 49);
    assert.equal(index.get("p7"), undefined);
    assert.equal(index.vector("p7"), undefined);
    const hits = index.search(vectors[7] as Float32Array, { k: 50 });
    assert.equal(hits.length, 49);
    assert.ok(!hits.some((h) => h.id === "p7"));
    assert.ok(![...index.ids()].includes("p7"));
  });

  Deno.test(`${name}: remove() then upsert() of the same id works`, () => {
    const { index, vectors } = filled(make, 20);
    using _ = index;
    index.remove("p3");
    index.upsert(record(3), vectors[3] as Float32Array);
    assert.equal(index.size, 20);
    assert.equal(
      index.search(vectors[3] as Float32Array, { k: 1 })[0]?.id,
      "p3",
    );
  });

  Deno.test(`${name}: vector() returns a normalised copy`, () => {
    using index = make();
    index.upsert(record(1), new Float32Array(DIMS).fill(2));
    const v = index.vector("p1") as Float32Array;
    assert.ok(Math.abs((v[0] as number) - 0.25) < 1e-6);
    v[0] = 9;
    assert.notEqual(index.vector("p1")?.[0], 9);
  });

  Deno.test(`${name}: search() applies ANDed filters as strings and keeps k`, () => {
    const { index, data } = filled(make, 600);
    using _ = index;
    const q = randomVectors(1, DIMS, 5)[0] as Float32Array;
    const hits = index.search(q, {
      k: 10,
      filters: [{ attr: "colour", value: "red" }, {
        attr: "sale",
        value: "true",
      }],
    });
    const want = naiveTopK(
      data.filter((_, i) => i % 3 === 0 && i % 2 === 0),
      q,
      10,
    );
    assert.deepEqual(hits.map((h) => h.id), want.map((w) => w.id));
    const sized = index.search(q, {
      k: 5,
      filters: [{ attr: "size", value: "7" }],
    });
    assert.equal(sized.length, 5);
    assert.ok(sized.every((h) => h.record.attrs.size === 7));
    assert.deepEqual(
      index.search(q, { k: 5, filters: [{ attr: "size", value: "x" }] }),
      [],
    );
  });

  Deno.test(`${name}: search() returns fewer hits only when fewer match`, () => {
    const { index } = filled(make, 30);
    using _ = index;
    const q = randomVectors(1, DIMS, 3)[0] as Float32Array;
    assert.equal(index.search(q, { k: 100 }).length, 30);
    assert.equal(
      index.search(q, { k: 100, filters: [{ attr: "size", value: "1" }] })
        .length,
      3,
    );
  });

  Deno.test(`${name}: search() on an empty index returns no hits`, () => {
    using index = make();
    assert.deepEqual(
      index.search(new Float32Array(DIMS).fill(1), { k: 5 }),
      [],
    );
  });

  Deno.test(`${name}: searchMany() equals search() per query`, () => {
    const { index } = filled(make, 200);
    using _ = index;
    const qs = randomVectors(5, DIMS, 77);
    for (const filters of [undefined, [{ attr: "colour", value: "blue" }]]) {
      const many = index.searchMany(qs, { k: 7, filters });
      assert.equal(many.length, 5);
      many.forEach((hits, i) => {
        assert.deepEqual(
          hits,
          index.search(qs[i] as Float32Array, { k: 7, filters }),
        );
      });
    }
    assert.deepEqual(index.searchMany([], { k: 3 }), []);
  });

  Deno.test(`${name}: upsertMany() keeps the last of repeated ids`, () => {
    using index = make();
    const [a, b] = randomVectors(2, DIMS, 8) as [Float32Array, Float32Array];
    index.upsertMany([
      { record: record(1, { title: "first" }), vector: a },
      { record: record(1, { title: "second" }), vector: b },
    ]);
    assert.equal(index.size, 1);
    assert.equal(index.get("p1")?.title, "second");
    assert.equal(index.search(a, { k: 5 }).length, 1);
    assert.ok(Math.abs((index.search(b, { k: 1 })[0]?.score ?? 0) - 1) < 1e-5);
  });

  Deno.test(`${name}: bad input throws TypeError or RangeError and changes nothing`, () => {
    using index = make();
    const ok = new Float32Array(DIMS).fill(1);
    const nan = ok.slice();
    nan[3] = NaN;
    const bad = (fn: () => unknown, type: typeof TypeError, msg: RegExp) =>
      assert.throws(
        fn,
        (err: unknown) => err instanceof type && msg.test(String(err)),
      );
    bad(
      () => index.upsert(record(1), new Float32Array(3)),
      RangeError,
      /3 dimensions/,
    );
    bad(
      () => index.upsert(record(1), [1, 2] as unknown as Float32Array),
      TypeError,
      /Array/,
    );
    bad(() => index.upsert(record(1), nan), RangeError, /non-finite/);
    bad(
      () => index.upsert(record(1), new Float32Array(DIMS)),
      RangeError,
      /zero norm/,
    );
    bad(() => index.upsert({ ...record(1), id: "" }, ok), TypeError, /id/);
    bad(
      () => index.upsert({ ...record(1), attrs: { a: {} } } as never, ok),
      TypeError,
      /attrs\.a/,
    );
    bad(
      () =>
        index.upsertMany([{ record: record(2), vector: ok }, {
          record: record(3),
          vector: nan,
        }]),
      RangeError,
      /non-finite/,
    );
    assert.equal(index.size, 0);
    bad(() => index.search(ok, { k: 0 }), RangeError, /k must be/);
    bad(() => index.search(ok, { k: 1.5 }), RangeError, /k must be/);
    bad(
      () => index.search(ok, { k: "3" } as never),
      TypeError,
      /k must be a number/,
    );
    bad(
      () => index.search(ok, { k: 1, filters: [{ attr: "a" }] } as never),
      TypeError,
      /filter/,
    );
    bad(
      () => index.search(new Float64Array(DIMS) as never, { k: 1 }),
      TypeError,
      /Float64Array/,
    );
  });

  Deno.test(`${name}: stats() counts live and stale rows`, () => {
    const { index, vectors } = filled(make, 40);
    using _ = index;
    index.remove("p1");
    index.upsert(record(2), vectors[2] as Float32Array);
    const s = index.stats();
    assert.equal(s.size, 39);
    assert.equal(s.staleRows, 2);
    assert.ok(Math.abs(s.staleRatio - 2 / 41) < 1e-9);
    assert.ok(s.capacity >= 39);
    assert.ok(s.memoryBytes > 39 * DIMS * 4);
  });

  Deno.test(`${name}: a disposed index refuses use`, () => {
    const index = make();
    index[Symbol.dispose]();
    index[Symbol.dispose]();
    assert.throws(
      () => index.search(new Float32Array(DIMS).fill(1), { k: 1 }),
      IndexError,
    );
    assert.throws(
      () => index.upsert(record(1), new Float32Array(DIMS).fill(1)),
      IndexError,
    );
  });
}

vectorIndexContract(
  "createBruteForceIndex()",
  () =>
    createBruteForceIndex({
      dims: DIMS,
      modelVersion: "m1",
      initialCapacity: 4,
    }),
);
vectorIndexContract(
  "createUsearchIndex()",
  () =>
    createUsearchIndex({ dims: DIMS, modelVersion: "m1", initialCapacity: 4 }),
);
vectorIndexContract(
  "createUsearchIndex() i8 with graph-only filtering",
  () =>
    createUsearchIndex({
      dims: DIMS,
      modelVersion: "m1",
      quantization: "i8",
      exactFilterMaxRows: 0,
    }),
);
