import assert from "node:assert/strict";
import {
  createBruteForceIndex,
  createUsearchIndex,
  USEARCH_DEFAULTS,
} from "./mod.ts";
import type { AttrFilter } from "../types.ts";
import type { VectorIndex } from "./mod.ts";
import { clusteredVectors, randomVectors, record } from "./_test_util.ts";

const DIMS = 64;
const N = 5000;
const data = clusteredVectors(N + 200, DIMS, {
  seed: 2026,
  clusters: 50,
  spread: 0.35,
});
const vectors = data.slice(0, N);
const queries = data.slice(N);

function fill(index: VectorIndex): VectorIndex {
  index.upsertMany(vectors.map((vector, i) => ({ record: record(i), vector })));
  return index;
}

function recall(
  index: VectorIndex,
  exact: VectorIndex,
  k = 10,
  filters?: AttrFilter[],
): number {
  let found = 0;
  let wanted = 0;
  for (const q of queries) {
    const want = new Set(exact.search(q, { k, filters }).map((h) => h.id));
    wanted += want.size;
    found += index.search(q, { k, filters }).filter((h) =>
      want.has(h.id)
    ).length;
  }
  return found / wanted;
}

const options = { dims: DIMS, modelVersion: "m1" };

Deno.test("createUsearchIndex() with shipped defaults has recall@10 ≥ 0.99 on 5k clustered", () => {
  using index = fill(createUsearchIndex(options));
  using exact = fill(createBruteForceIndex(options));
  assert.equal(index.options.connectivity, USEARCH_DEFAULTS.connectivity);
  const r = recall(index, exact);
  assert.ok(r >= 0.99, `recall@10 ${r}`);
});

Deno.test("createUsearchIndex() keeps recall@10 ≥ 0.99 after 50% churn", () => {
  using index = fill(createUsearchIndex(options));
  using exact = fill(createBruteForceIndex(options));
  const fresh = clusteredVectors(N / 2, DIMS, {
    seed: 7,
    clusters: 50,
    spread: 0.35,
  });
  fresh.forEach((v, i) => {
    for (const target of [index, exact]) {
      if (i % 2 === 0) target.upsert(record(i * 2, { version: 2 }), v);
      else {
        target.remove(`p${i * 2}`);
        target.upsert(record(N + i), v);
      }
    }
  });
  assert.equal(index.stats().staleRows, N / 2);
  const r = recall(index, exact);
  assert.ok(r >= 0.99, `recall@10 after churn ${r}`);
});

Deno.test("createUsearchIndex() oversampled filters keep k and match exact results", () => {
  using index = fill(createUsearchIndex({ ...options, exactFilterMaxRows: 0 }));
  using exact = fill(createBruteForceIndex(options));
  const thirtieth = [{ attr: "size", value: "3" }, {
    attr: "colour",
    value: "red",
  }];
  for (const filters of [[{ attr: "colour", value: "red" }], thirtieth]) {
    for (const q of queries.slice(0, 20)) {
      assert.equal(index.search(q, { k: 10, filters }).length, 10);
    }
    const r = recall(index, exact, 10, filters);
    assert.ok(r >= 0.99, `filtered recall ${r}`);
  }
});

Deno.test("createUsearchIndex() falls back to an exact scan when few rows match", () => {
  using index = fill(createUsearchIndex({ ...options, exactFilterMaxRows: 0 }));
  index.upsert(
    record(9001, { attrs: { rare: "yes" } }),
    vectors[1] as Float32Array,
  );
  index.upsert(
    record(9002, { attrs: { rare: "yes" } }),
    vectors[2] as Float32Array,
  );
  // "sale" matches half the products, "rare" two: the graph alone would miss them.
  const filters = [{ attr: "sale", value: "true" }, {
    attr: "rare",
    value: "yes",
  }];
  const hitsFor = (f: AttrFilter[]) =>
    index.search(queries[0] as Float32Array, { k: 10, filters: f });
  assert.deepEqual(hitsFor(filters.slice(1)).map((h) => h.id).sort(), [
    "p9001",
    "p9002",
  ]);
  assert.deepEqual(hitsFor(filters), []);
});

Deno.test("createUsearchIndex() never reuses keys and counts tombstones", () => {
  using index = createUsearchIndex({ dims: 8, modelVersion: "m1" });
  const vs = randomVectors(10, 8, 1);
  index.upsertMany(vs.map((vector, i) => ({ record: record(i), vector })));
  index.remove("p0");
  index.upsert(record(1, { version: 2 }), vs[9] as Float32Array);
  // The replace removed a key and its insert recycled that slot at once.
  assert.equal(index.stats().tombstones, 1);
  assert.equal(index.stats().staleRows, 2);
  // Re-adding a removed id gets a fresh key; USearch recycles the tombstone slot for it.
  index.upsert(record(0), vs[0] as Float32Array);
  assert.equal(index.stats().tombstones, 0);
  assert.equal(index.stats().staleRows, 2);
  assert.equal(index.search(vs[0] as Float32Array, { k: 1 })[0]?.id, "p0");
  assert.deepEqual(
    index.search(vs[9] as Float32Array, { k: 2 }).map((h) => h.id).sort(),
    ["p1", "p9"],
  );
  assert.equal(index.size, 10);
});

Deno.test("search() takes its ef per request, without a rebuild", () => {
  // Hard data (i.i.d. Gaussian) on a sparse graph, so the candidate list size shows.
  const hard = randomVectors(3200, DIMS, 5);
  const small = { ...options, connectivity: 8, expansionAdd: 32 };
  using index = createUsearchIndex({ ...small, expansionSearch: 10 });
  using exact = createBruteForceIndex(options);
  for (const target of [index, exact]) {
    target.upsertMany(
      hard.slice(0, 3000).map((vector, i) => ({ record: record(i), vector })),
    );
  }
  const recallAt = (ef?: number) => {
    let found = 0;
    for (const q of hard.slice(3000)) {
      const want = new Set(exact.search(q, { k: 10 }).map((h) => h.id));
      const got = index.search(q, ef === undefined ? { k: 10 } : { k: 10, ef });
      assert.equal(got.length, 10);
      found += got.filter((h) => want.has(h.id)).length;
    }
    return found / 2000;
  };
  const byDefault = recallAt();
  assert.equal(recallAt(10), byDefault, "ef 10 is the index's default");
  const wide = recallAt(1000);
  assert.ok(byDefault < 0.9, `ef 10 recall@10 ${byDefault}`);
  assert.ok(wide >= 0.99, `ef 1000 recall@10 ${wide}`);
  for (const ef of [0, 1.5, 10_001]) {
    assert.throws(() => index.search(hard[0]!, { k: 10, ef }), RangeError);
  }
  assert.throws(
    () => index.search(hard[0]!, { k: 10, ef: "64" as never }),
    TypeError,
  );
});

Deno.test("createUsearchIndex() reports every invalid option at once", () => {
  assert.throws(
    () =>
      createUsearchIndex({
        dims: 0,
        modelVersion: "",
        connectivity: 1,
        quantization: "f64" as never,
      }),
    (err: unknown) =>
      err instanceof RangeError && /dims/.test(err.message) &&
      /modelVersion/.test(err.message) && /connectivity/.test(err.message) &&
      /quantization/.test(err.message),
  );
  assert.throws(() => createBruteForceIndex(null as never), TypeError);
});
