import assert from "node:assert/strict";
import { IndexError } from "../errors.ts";
import {
  createUsearchIndex,
  saveSnapshot,
  SearchReplicas,
  type VectorIndex,
} from "./mod.ts";
import { randomVectors, record } from "./_test_util.ts";

const DIMS = 16;
const vectors = randomVectors(260, DIMS, 41);

async function writerWithSnapshot(): Promise<
  { index: VectorIndex; dir: string }
> {
  const index = createUsearchIndex({ dims: DIMS, modelVersion: "m1" });
  index.upsertMany(
    vectors.slice(0, 200).map((vector, i) => ({ record: record(i), vector })),
  );
  const dir = await Deno.makeTempDir({ prefix: "replicas-" });
  await saveSnapshot(index, dir);
  return { index, dir };
}

const ids = (hits: { id: string }[]) => hits.map((h) => h.id);

/** Searches until every replica has answered once (least-busy dispatch alternates). */
async function allAnswer(pool: SearchReplicas, q: Float32Array) {
  return await Promise.all(
    Array.from({ length: pool.workers * 2 }, () => pool.search(q, { k: 5 })),
  );
}

Deno.test("SearchReplicas answers like the writer's index and follows its deltas", async () => {
  const { index, dir } = await writerWithSnapshot();
  await using pool = await SearchReplicas.create({
    workers: 2,
    snapshotsDir: dir,
    dims: DIMS,
  });
  try {
    const q = vectors[3]!;
    for (const hits of await allAnswer(pool, q)) {
      assert.deepEqual(ids(hits), ids(index.search(q, { k: 5 })));
    }
    // A new product next to the query and a removed one: visible on every replica.
    const fresh = record(900);
    index.upsert(fresh, q);
    assert.equal(pool.upsert(fresh, q), 1);
    index.remove("p3");
    assert.equal(pool.remove("p3"), 2);
    for (const hits of await allAnswer(pool, q)) {
      assert.equal(hits[0]?.id, "p900");
      assert.ok(!ids(hits).includes("p3"));
      assert.deepEqual(ids(hits), ids(index.search(q, { k: 5 })));
    }
    assert.equal(pool.visibleSeq, 2);
  } finally {
    index[Symbol.dispose]();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SearchReplicas.reload() takes a newer snapshot and keeps the deltas after it", async () => {
  const { index, dir } = await writerWithSnapshot();
  await using pool = await SearchReplicas.create({
    workers: 2,
    snapshotsDir: dir,
    dims: DIMS,
  });
  try {
    // Delta 1 goes into the next snapshot; delta 2 is made after it was saved.
    index.upsert(record(901), vectors[201]!);
    pool.upsert(record(901), vectors[201]!);
    await saveSnapshot(index, dir);
    index.upsert(record(902), vectors[202]!);
    pool.upsert(record(902), vectors[202]!);
    await pool.reload(dir, 1);
    for (const v of [vectors[201]!, vectors[202]!]) {
      for (const hits of await allAnswer(pool, v)) {
        assert.deepEqual(ids(hits), ids(index.search(v, { k: 5 })));
      }
    }
  } finally {
    index[Symbol.dispose]();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SearchReplicas rejects bad input before sending it, and closes cleanly", async () => {
  const { index, dir } = await writerWithSnapshot();
  index[Symbol.dispose]();
  const pool = await SearchReplicas.create({
    workers: 1,
    snapshotsDir: dir,
    dims: DIMS,
  });
  try {
    assert.throws(
      () => pool.upsert(record(1), new Float32Array(3)),
      RangeError,
    );
    assert.throws(() => pool.upsert({} as never, vectors[0]!), TypeError);
    assert.throws(() => pool.search(vectors[0]!, { k: 0 }), RangeError);
    assert.equal(pool.seq, 0, "nothing was sent");
    await pool.close();
    assert.throws(() => pool.search(vectors[0]!, { k: 1 }), IndexError);
  } finally {
    await pool.close();
    await Deno.remove(dir, { recursive: true });
  }
  const empty = await Deno.makeTempDir();
  await assert.rejects(
    () =>
      SearchReplicas.create({ workers: 1, snapshotsDir: empty, dims: DIMS }),
    IndexError,
  );
  await Deno.remove(empty);
  await assert.rejects(
    () =>
      SearchReplicas.create({ workers: 0, snapshotsDir: empty, dims: DIMS }),
    RangeError,
  );
});
