import assert from "node:assert/strict";
import { IndexError } from "../errors.ts";
import { createMemoryLogger } from "../log.ts";
import {
  compact,
  createBruteForceIndex,
  createUsearchIndex,
  IndexHolder,
} from "./mod.ts";
import { rebuild } from "./rebuild.ts";
import type { VectorIndex } from "./mod.ts";
import { randomVectors, record } from "./_test_util.ts";

const DIMS = 12;
const vectors = randomVectors(400, DIMS, 21);
const queries = randomVectors(8, DIMS, 22);

function churned(kind: "usearch" | "brute-force"): VectorIndex {
  const options = {
    dims: DIMS,
    modelVersion: "m1",
    quantization: "f16" as const,
  };
  const index = kind === "usearch"
    ? createUsearchIndex(options)
    : createBruteForceIndex(options);
  index.upsertMany(
    vectors.slice(0, 300).map((vector, i) => ({ record: record(i), vector })),
  );
  for (let i = 0; i < 150; i++) {
    if (i % 2 === 0) index.remove(`p${i}`);
    else {index.upsert(
        record(i, { version: 2 }),
        vectors[300 + (i >> 1)] as Float32Array,
      );}
  }
  return index;
}

for (const kind of ["usearch", "brute-force"] as const) {
  Deno.test(`rebuild() of a ${kind} index keeps live products and drops stale rows`, async () => {
    using source = churned(kind);
    assert.equal(source.stats().staleRows, 150);
    const yields: number[] = [];
    using next = await rebuild(source, {
      chunkSize: 50,
      yieldFn: () => Promise.resolve(void yields.push(1)),
    });
    assert.equal(next.kind, kind);
    assert.deepEqual(next.options, {
      ...source.options,
      initialCapacity: next.options.initialCapacity,
    });
    assert.equal(next.size, source.size);
    assert.equal(next.stats().staleRows, 0);
    assert.equal(next.stats().tombstones, 0);
    assert.equal(yields.length, Math.ceil(source.size / 50));
    for (const q of queries) {
      assert.deepEqual(next.search(q, { k: 10 }), source.search(q, { k: 10 }));
    }
  });
}

Deno.test("rebuild() applies upserts and deletes made while it runs", async () => {
  using source = churned("usearch");
  const during = vectors[399] as Float32Array;
  let step = 0;
  using next = await rebuild(source, {
    chunkSize: 40,
    yieldFn: () => {
      step++;
      if (step === 1) source.upsert(record(1000), during);
      if (step === 2) source.remove("p299");
      if (step === 3) source.upsert(record(1, { title: "late" }), during);
      return Promise.resolve();
    },
  });
  assert.equal(next.size, source.size);
  assert.ok(next.get("p1000"));
  assert.equal(next.get("p299"), undefined);
  assert.equal(next.get("p1")?.title, "late");
  assert.deepEqual(next.search(during, { k: 2 }).map((h) => h.id).sort(), [
    "p1",
    "p1000",
  ]);
});

Deno.test("rebuild() stops when its signal aborts", async () => {
  using source = churned("brute-force");
  const controller = new AbortController();
  await assert.rejects(
    rebuild(source, {
      signal: controller.signal,
      yieldFn: () => Promise.resolve(controller.abort()),
    }),
    (err: unknown) => err instanceof DOMException && err.name === "AbortError",
  );
});

Deno.test("compact() swaps a rebuilt index in and retires the old one", async () => {
  const source = churned("usearch");
  const log = createMemoryLogger();
  using holder = new IndexHolder({ initial: source });
  const lease = holder.acquire();
  const done = compact(holder, {
    log,
    chunkSize: 100,
    yieldFn: () => Promise.resolve(),
  });
  await new Promise((r) => setTimeout(r, 0));
  assert.notEqual(holder.current, source);
  assert.equal(holder.current?.stats().staleRows, 0);
  assert.equal(
    lease.index.search(queries[0] as Float32Array, { k: 3 }).length,
    3,
  );
  lease[Symbol.dispose]();
  await done;
  assert.throws(
    () => source.search(queries[0] as Float32Array, { k: 1 }),
    IndexError,
  );
  assert.ok(log.lines.some((l) => l.event === "index_compacted"));
  await assert.rejects(compact(new IndexHolder()), IndexError);
});

Deno.test("rebuild() inserts with the threads it is given and checks them", async () => {
  using source = churned("usearch");
  using next = await rebuild(source, { bulkThreads: 2, chunkSize: 100 });
  assert.equal(next.options.bulkThreads, 2);
  assert.equal(source.options.bulkThreads, 1);
  for (const q of queries) {
    assert.deepEqual(
      next.search(q, { k: 10 }).map((h) => h.id),
      source.search(q, { k: 10 }).map((h) => h.id),
    );
  }
  await assert.rejects(() => rebuild(source, { bulkThreads: -1 }), RangeError);
});
