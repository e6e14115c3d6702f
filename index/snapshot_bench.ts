/**
 * `deno bench -A index/snapshot_bench.ts`: snapshot save and load of a 100k × 64
 * USearch index, loading the saved graph against rebuilding it from the stored vectors.
 * @module
 */

import { createUsearchIndex, loadLatestSnapshot, saveSnapshot } from "./mod.ts";
import { clusteredVectors, record } from "./_test_util.ts";

const N = 100_000;
const DIMS = 64;
const vectors = clusteredVectors(N, DIMS, {
  seed: 5,
  clusters: 200,
  spread: 0.35,
});
const index = createUsearchIndex({
  dims: DIMS,
  modelVersion: "bench",
  initialCapacity: N,
  bulkThreads: 0,
});
for (let i = 0; i < N; i += 10_000) {
  index.upsertMany(
    vectors.slice(i, i + 10_000).map((vector, j) => ({
      record: record(i + j),
      vector,
    })),
  );
}
const dir = await Deno.makeTempDir({ prefix: "snapshot-bench-" });
await saveSnapshot(index, dir, { keep: 2 });
globalThis.addEventListener(
  "unload",
  () => Deno.removeSync(dir, { recursive: true }),
);

Deno.bench({
  name: "saveSnapshot 100k×64 (usearch f32)",
  group: "snapshot",
  n: 5,
  warmup: 1,
  async fn() {
    await saveSnapshot(index, dir, {
      keep: 2,
      meta: { offsets: { "products:0": "1" } },
    });
  },
});

Deno.bench({
  name: "loadLatestSnapshot 100k×64, graph loaded",
  group: "snapshot",
  n: 5,
  warmup: 1,
  async fn() {
    const loaded = await loadLatestSnapshot(dir);
    if (!loaded?.graphLoaded) throw new Error("graph was not loaded");
    loaded.index[Symbol.dispose]();
  },
});

Deno.bench({
  name: "loadLatestSnapshot 100k×64, graph rebuilt from vectors (all cores)",
  group: "snapshot",
  n: 1,
  warmup: 0,
  async fn() {
    const loaded = await loadLatestSnapshot(dir, {
      index: { connectivity: 17, bulkThreads: 0 },
    });
    if (loaded?.graphLoaded !== false) throw new Error("graph was not rebuilt");
    loaded.index[Symbol.dispose]();
  },
});
