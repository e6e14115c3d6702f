import assert from "node:assert/strict";
import { join } from "node:path";
import { IndexError } from "../errors.ts";
import { createMemoryLogger } from "../log.ts";
import {
  createBruteForceIndex,
  createUsearchIndex,
  listSnapshots,
  loadLatestSnapshot,
  saveSnapshot,
  verifySnapshot,
} from "./mod.ts";
import type { VectorIndex } from "./mod.ts";
import { clusteredVectors, randomVectors, record } from "./_test_util.ts";

const DIMS = 16;
const queries = randomVectors(10, DIMS, 500);

function build(kind: "usearch" | "brute-force", n = 300): VectorIndex {
  const options = { dims: DIMS, modelVersion: "m1" };
  const index = kind === "usearch"
    ? createUsearchIndex(options)
    : createBruteForceIndex(options);
  const vectors = clusteredVectors(n, DIMS, {
    seed: 9,
    clusters: 10,
    spread: 0.3,
  });
  index.upsertMany(vectors.map((vector, i) => ({ record: record(i), vector })));
  // Churn: replaced and removed rows must survive the roundtrip as stale rows.
  index.upsert(
    record(3, { title: "replaced", version: 2 }),
    vectors[4] as Float32Array,
  );
  index.remove("p10");
  index.remove(`p${n - 1}`);
  return index;
}

function sameResults(a: VectorIndex, b: VectorIndex): void {
  for (const q of queries) {
    for (const filters of [undefined, [{ attr: "colour", value: "red" }]]) {
      assert.deepEqual(
        b.search(q, { k: 10, filters }),
        a.search(q, { k: 10, filters }),
      );
    }
  }
  // The lexical postings are rebuilt from the records: same hits, same BM25 scores.
  for (const text of ["red", "Product 7 BLUE", "true 3"]) {
    for (const filters of [undefined, [{ attr: "colour", value: "Red" }]]) {
      const want = a.searchLexical(text, { k: 20, filters });
      assert.ok(want.length > 0);
      assert.deepEqual(b.searchLexical(text, { k: 20, filters }), want);
    }
  }
}

for (const kind of ["usearch", "brute-force"] as const) {
  Deno.test(`saveSnapshot() + loadLatestSnapshot() roundtrip a ${kind} index`, async () => {
    const dir = await Deno.makeTempDir();
    try {
      using index = build(kind);
      const meta = { offsets: { "products:0": "41", "products:1": "7" } };
      const saved = await saveSnapshot(index, dir, { meta, now: () => 1234 });
      assert.equal(saved.manifest.count, index.size);
      const loaded = await loadLatestSnapshot(dir);
      assert.ok(loaded);
      using copy = loaded.index;
      assert.equal(loaded.graphLoaded, kind === "usearch");
      assert.deepEqual(loaded.manifest.meta, meta);
      assert.equal(loaded.manifest.createdAtMs, 1234);
      assert.equal(copy.kind, kind);
      assert.equal(copy.size, index.size);
      assert.deepEqual([...copy.ids()].sort(), [...index.ids()].sort());
      assert.deepEqual(copy.get("p3"), index.get("p3"));
      assert.deepEqual(copy.stats().staleRows, index.stats().staleRows);
      assert.deepEqual(copy.stats().tombstones, index.stats().tombstones);
      sameResults(index, copy);
      // The loaded index keeps working: new keys must not collide with stored ones.
      const [v] = randomVectors(1, DIMS, 77) as [Float32Array];
      copy.upsert(record(5000), v);
      copy.upsert(record(4, { version: 3 }), v);
      assert.equal(copy.size, index.size + 1);
      assert.deepEqual(copy.search(v, { k: 2 }).map((h) => h.id).sort(), [
        "p4",
        "p5000",
      ]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("loadLatestSnapshot() rebuilds the graph when connectivity changes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    using index = build("usearch");
    await saveSnapshot(index, dir);
    const loaded = await loadLatestSnapshot(dir, {
      index: { connectivity: 8 },
    });
    assert.ok(loaded);
    using copy = loaded.index;
    assert.equal(loaded.graphLoaded, false);
    assert.equal(copy.options.connectivity, 8);
    sameResults(index, copy);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadLatestSnapshot() returns null for a missing or empty dir", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.equal(await loadLatestSnapshot(join(dir, "nope")), null);
    assert.equal(await loadLatestSnapshot(dir), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const FILES = [
  "manifest.json",
  "manifest.sha256",
  "records.jsonl",
  "vectors.f32",
  "graph.usearch",
];

for (const file of FILES) {
  for (const damage of ["flip", "truncate", "delete"] as const) {
    Deno.test(`loadLatestSnapshot() detects ${damage} of ${file} and falls back`, async () => {
      const dir = await Deno.makeTempDir();
      try {
        using index = build("usearch");
        await saveSnapshot(index, dir, { meta: { n: 1 } });
        index.upsert(
          record(7000),
          randomVectors(1, DIMS, 3)[0] as Float32Array,
        );
        const newest = await saveSnapshot(index, dir, { meta: { n: 2 } });
        await corrupt(join(newest.path, file), damage);
        assert.ok((await verifySnapshot(newest.path)).problems.length > 0);
        const log = createMemoryLogger();
        const loaded = await loadLatestSnapshot(dir, { log });
        assert.ok(loaded);
        using _ = loaded.index;
        assert.deepEqual(loaded.manifest.meta, { n: 1 });
        assert.equal(loaded.index.get("p7000"), undefined);
        assert.equal(loaded.problems.length, 1);
        assert.match(loaded.problems[0] as string, /^snap-0000000002: /);
        assert.ok(log.lines.some((l) => l.event === "snapshot_invalid"));
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
  }
}

async function corrupt(path: string, damage: "flip" | "truncate" | "delete") {
  if (damage === "delete") return await Deno.remove(path);
  const bytes = await Deno.readFile(path);
  if (damage === "truncate") {
    return await Deno.writeFile(path, bytes.subarray(0, bytes.length >> 1));
  }
  const at = bytes.length >> 1;
  bytes[at] = (bytes[at] as number) ^ 0x01;
  await Deno.writeFile(path, bytes);
}

Deno.test("loadLatestSnapshot() skips snapshots of another model version", async () => {
  const dir = await Deno.makeTempDir();
  try {
    using index = build("brute-force", 20);
    await saveSnapshot(index, dir);
    const log = createMemoryLogger();
    assert.equal(
      await loadLatestSnapshot(dir, { modelVersion: "m2", log }),
      null,
    );
    assert.match(JSON.stringify(log.lines), /model version/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("saveSnapshot() prunes to keep K and numbers snapshots in order", async () => {
  const dir = await Deno.makeTempDir();
  try {
    using index = build("brute-force", 20);
    for (let i = 1; i <= 5; i++) {
      await saveSnapshot(index, dir, { keep: 2, meta: { i } });
    }
    const names = (await listSnapshots(dir)).map((s) => s.name);
    assert.deepEqual(names, ["snap-0000000005", "snap-0000000004"]);
    const loaded = await loadLatestSnapshot(dir);
    assert.deepEqual(loaded?.manifest.meta, { i: 5 });
    loaded?.index[Symbol.dispose]();
    await assert.rejects(saveSnapshot(index, dir, { keep: 0 }), RangeError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a wall clock that jumps back or forward does not change which snapshot is newest", async () => {
  const dir = await Deno.makeTempDir();
  try {
    using index = build("brute-force", 20);
    // createdAtMs follows the wall clock; order and pruning follow the sequence number.
    const clock = [5_000_000, 1_000, 9_000_000_000_000, 2_000];
    for (const [i, ms] of clock.entries()) {
      await saveSnapshot(index, dir, { keep: 3, meta: { i }, now: () => ms });
    }
    const names = (await listSnapshots(dir)).map((s) => s.name);
    assert.deepEqual(names, [
      "snap-0000000004",
      "snap-0000000003",
      "snap-0000000002",
    ]);
    const loaded = await loadLatestSnapshot(dir);
    assert.deepEqual(loaded?.manifest.meta, { i: 3 });
    assert.equal(loaded?.manifest.createdAtMs, 2_000);
    loaded?.index[Symbol.dispose]();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a crashed write (leftover temp dir) is ignored by load and removed by save", async () => {
  const dir = await Deno.makeTempDir();
  try {
    using index = build("usearch", 50);
    await saveSnapshot(index, dir, { meta: { good: true } });
    const temp = join(dir, ".tmp-snap-2-deadbeef");
    await Deno.mkdir(temp);
    await Deno.writeTextFile(join(temp, "records.jsonl"), '[0, {"id":');
    const loaded = await loadLatestSnapshot(dir);
    assert.deepEqual(loaded?.manifest.meta, { good: true });
    assert.deepEqual(loaded?.problems, []);
    loaded?.index[Symbol.dispose]();
    const log = createMemoryLogger();
    const saved = await saveSnapshot(index, dir, { log });
    assert.equal(saved.manifest.seq, 2);
    await assert.rejects(Deno.stat(temp), Deno.errors.NotFound);
    assert.ok(log.lines.some((l) => l.event === "snapshot_temp_removed"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("saveSnapshot() rejects foreign indexes and reports write failures", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(saveSnapshot({} as VectorIndex, dir), TypeError);
    using index = build("brute-force", 5);
    const file = join(dir, "file");
    await Deno.writeTextFile(file, "x");
    await assert.rejects(saveSnapshot(index, join(file, "sub")), IndexError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("saveSnapshot() captures the index as it was at the call", async () => {
  const dir = await Deno.makeTempDir();
  try {
    using index = build("usearch", 100);
    const pending = saveSnapshot(index, dir, { meta: { offset: "99" } });
    index.upsert(record(9000), randomVectors(1, DIMS, 4)[0] as Float32Array);
    index.remove("p1");
    await pending;
    const loaded = await loadLatestSnapshot(dir);
    assert.ok(loaded);
    using copy = loaded.index;
    assert.equal(copy.get("p9000"), undefined);
    assert.ok(copy.get("p1"));
    assert.equal(copy.size, index.size);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadLatestSnapshot() reads a records file larger than one 4 MiB parse piece", async () => {
  const dir = await Deno.makeTempDir();
  try {
    using index = createBruteForceIndex({ dims: DIMS, modelVersion: "m1" });
    const vectors = randomVectors(12_000, DIMS, 77);
    // Multi-byte titles of ~400 bytes: about 5 MiB of records, pieces split mid-file.
    const title = (i: number) => `Ærø ${i} ` + "ünïcødé ".repeat(40);
    index.upsertMany(
      vectors.map((vector, i) => ({
        record: record(i, { title: title(i) }),
        vector,
      })),
    );
    const saved = await saveSnapshot(index, dir);
    assert.ok(saved.manifest.files["records.jsonl"]!.bytes > 4 << 20);
    const loaded = await loadLatestSnapshot(dir);
    assert.ok(loaded);
    using back = loaded.index;
    assert.equal(back.size, 12_000);
    for (const i of [0, 5000, 9999, 11_999]) {
      assert.deepEqual(back.get(`p${i}`), index.get(`p${i}`));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
