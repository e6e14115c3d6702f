import assert from "node:assert/strict";
import { IndexError } from "../errors.ts";
import { createMemoryLogger } from "../log.ts";
import {
  createBruteForceIndex,
  createUsearchIndex,
  IndexHolder,
} from "./mod.ts";
import type { VectorIndex } from "./mod.ts";
import { randomVectors, record } from "./_test_util.ts";

const DIMS = 8;
const vectors = randomVectors(20, DIMS, 3);

function makeIndex(version: string, n = 20): VectorIndex {
  const index = createBruteForceIndex({ dims: DIMS, modelVersion: version });
  index.upsertMany(
    vectors.slice(0, n).map((vector, i) => ({ record: record(i), vector })),
  );
  return index;
}

Deno.test("IndexHolder.acquire() throws a retryable IndexError before an index is installed", () => {
  const holder = new IndexHolder();
  assert.equal(holder.ready, false);
  assert.deepEqual(holder.info(), { version: "", size: 0 });
  assert.equal(holder.get("p1"), undefined);
  assert.throws(
    () => holder.acquire(),
    (err: unknown) => err instanceof IndexError && err.retryable,
  );
});

Deno.test("IndexHolder.swap() installs the next index and returns the previous", () => {
  const log = createMemoryLogger();
  const a = makeIndex("a");
  const b = makeIndex("b", 10);
  using holder = new IndexHolder({ initial: a, log });
  assert.equal(holder.swap(b), a);
  assert.equal(holder.current, b);
  assert.deepEqual(holder.info(), { version: "b", size: 10 });
  assert.equal(holder.swap(b), null);
  assert.equal(log.lines[0]?.event, "index_swapped");
  a[Symbol.dispose]();
});

Deno.test("IndexHolder.retire() waits for the last lease, then disposes", async () => {
  const a = makeIndex("a");
  using holder = new IndexHolder({ initial: a });
  const lease1 = holder.acquire();
  const lease2 = holder.acquire();
  assert.equal(holder.leases(a), 2);
  const previous = holder.swap(makeIndex("b"));
  assert.equal(previous, a);
  let disposed = false;
  const retired = holder.retire(a).then(() => disposed = true);
  lease1[Symbol.dispose]();
  lease1[Symbol.dispose](); // a second release must not count twice
  await Promise.resolve();
  assert.equal(disposed, false);
  assert.equal(
    lease2.index.search(vectors[0] as Float32Array, { k: 1 })[0]?.id,
    "p0",
  );
  lease2[Symbol.dispose]();
  await retired;
  assert.equal(disposed, true);
  assert.throws(
    () => a.search(vectors[0] as Float32Array, { k: 1 }),
    IndexError,
  );
});

Deno.test("IndexHolder.retire() rejects for the live index", async () => {
  const a = makeIndex("a");
  using holder = new IndexHolder({ initial: a });
  await assert.rejects(holder.retire(a), IndexError);
});

Deno.test("IndexHolder serves every query through repeated swaps", async () => {
  using holder = new IndexHolder({
    initial: createUsearchIndex({ dims: DIMS, modelVersion: "v0" }),
  });
  holder.current?.upsertMany(
    vectors.map((vector, i) => ({ record: record(i), vector })),
  );
  let failures = 0;
  let served = 0;
  const request = async (q: Float32Array) => {
    using lease = holder.acquire();
    await Promise.resolve(); // e.g. the query encoder runs here
    await Promise.resolve();
    const hits = lease.index.search(q, { k: 3 });
    if (hits.length !== 3) failures++;
    served++;
  };
  for (let swap = 1; swap <= 5; swap++) {
    const inFlight = vectors.map((q) => request(q));
    await holder.replace(makeIndex(`v${swap}`));
    await Promise.all(inFlight);
    assert.equal(
      holder.search(vectors[1] as Float32Array, { k: 1 })[0]?.id,
      "p1",
    );
  }
  assert.equal(failures, 0);
  assert.equal(served, 100);
});

Deno.test("IndexHolder[Symbol.dispose]() defers disposal of a leased live index", () => {
  const a = makeIndex("a");
  const holder = new IndexHolder({ initial: a });
  const lease = holder.acquire();
  holder[Symbol.dispose]();
  assert.equal(holder.current, null);
  assert.equal(
    lease.index.search(vectors[2] as Float32Array, { k: 1 })[0]?.id,
    "p2",
  );
  lease[Symbol.dispose]();
  assert.throws(
    () => a.search(vectors[2] as Float32Array, { k: 1 }),
    IndexError,
  );
});
