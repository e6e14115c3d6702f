import assert from "node:assert/strict";
import type { Encoders, ModelBundle } from "../encode/mod.ts";
import { IndexError } from "../errors.ts";
import {
  createBruteForceIndex,
  IndexHolder,
  type SearchOptions,
  type VectorIndex,
} from "../index/mod.ts";
import { createMemoryLogger } from "../log.ts";
import { type Generation, Generations } from "./generations.ts";

/** A model of `dims` whose query encoder returns a unit vector on axis 0. */
function fakeGeneration(version: string, dims: number): Generation {
  const bundle = { dir: `/bundles/${version}`, manifest: { version, dims } };
  const vector = () => {
    const v = new Float32Array(dims);
    v[0] = 1;
    return v;
  };
  const encoders = {
    device: "fake",
    deviceReason: "test",
    product: { dims, modelVersion: version, encode: () => Promise.resolve([]) },
    query: {
      dims,
      modelVersion: version,
      encode: (qs: string[]) =>
        Promise.resolve(qs.map(() => ({ vector: vector(), keywords: [] }))),
    },
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
  // Only the fields Generations reads are real; the rest of the bundle is not used.
  return {
    bundle: bundle as unknown as ModelBundle,
    encoders: encoders as unknown as Encoders,
  };
}

function indexWith(version: string, dims: number, id: string): VectorIndex {
  const index = createBruteForceIndex({ dims, modelVersion: version });
  const v = new Float32Array(dims);
  v[0] = 1;
  index.upsert({
    id,
    title: id,
    attrs: {},
    version: 0,
    weights: { title: 1, image: 0 },
    eventTimeMs: 0,
    indexedAtMs: 0,
  }, v);
  return index;
}

Deno.test("Generations: a query encoded before a model swap searches its own model's index", async () => {
  const holder = new IndexHolder({ initial: indexWith("a", 4, "from-a") });
  const generations = new Generations({
    holder,
    initial: fakeGeneration("a", 4),
    log: createMemoryLogger(),
    graceMs: 60_000,
  });
  const searcher = generations.searcher(() => true);
  const encoder = generations.queryEncoder();
  const [old] = await encoder.encode(["q"], {});
  generations.install(fakeGeneration("b", 2), indexWith("b", 2, "from-b"));
  assert.equal(searcher.info().modelVersion, "b");
  assert.equal(searcher.search(old!.vector, { k: 1 })[0]?.id, "from-a");
  const [fresh] = await encoder.encode(["q"], {});
  assert.equal(fresh!.vector.length, 2);
  assert.equal(searcher.search(fresh!.vector, { k: 1 })[0]?.id, "from-b");
  await generations[Symbol.asyncDispose]();
  assert.throws(
    () => searcher.search(old!.vector, { k: 1 }),
    (err: unknown) => err instanceof IndexError && err.retryable,
  );
  holder[Symbol.dispose]();
});

Deno.test("Generations.install() refuses an index of another model", async () => {
  const holder = new IndexHolder({ initial: indexWith("a", 4, "x") });
  const generations = new Generations({
    holder,
    initial: fakeGeneration("a", 4),
    log: createMemoryLogger(),
  });
  const wrong = indexWith("a", 4, "y");
  assert.throws(
    () => generations.install(fakeGeneration("b", 4), wrong),
    IndexError,
  );
  assert.equal(generations.modelVersion, "a");
  wrong[Symbol.dispose]();
  await generations[Symbol.asyncDispose]();
  holder[Symbol.dispose]();
});

Deno.test("Generations: the live searcher hands k, filters and ef to the index, the retired model's included", async () => {
  const seen: SearchOptions[] = [];
  const recording = (index: VectorIndex): VectorIndex => {
    const search = index.search.bind(index);
    index.search = (vector, options) => {
      seen.push(options);
      return search(vector, options);
    };
    return index;
  };
  const holder = new IndexHolder({
    initial: recording(indexWith("a", 4, "from-a")),
  });
  const generations = new Generations({
    holder,
    initial: fakeGeneration("a", 4),
    log: createMemoryLogger(),
    graceMs: 60_000,
  });
  const searcher = generations.searcher(() => true);
  const encoder = generations.queryEncoder();
  const [old] = await encoder.encode(["q"], {});
  const options = { k: 3, filters: [{ attr: "c", value: "x" }], ef: 300 };
  assert.deepEqual(searcher.search(old!.vector, options), []);
  generations.install(
    fakeGeneration("b", 2),
    recording(indexWith("b", 2, "from-b")),
  );
  assert.equal(searcher.search(old!.vector, { k: 1, ef: 20 })[0]?.id, "from-a");
  const [fresh] = await encoder.encode(["q"], {});
  assert.equal(
    searcher.search(fresh!.vector, { k: 1, ef: 10_000 })[0]?.id,
    "from-b",
  );
  assert.deepEqual(seen, [options, { k: 1, ef: 20 }, { k: 1, ef: 10_000 }]);
  await generations[Symbol.asyncDispose]();
  holder[Symbol.dispose]();
});
