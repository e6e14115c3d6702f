/**
 * Issue 5, live swap: searches run without pause through automatic compactions and two
 * model upgrades (default → tiny bundle of other dims → default) while events stream;
 * no search fails or comes back empty, the index holds exactly the live products, and
 * the snapshot and active-model record name the installed model.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createTinyBundle } from "../model/testing.ts";
import { listSnapshots } from "../index/mod.ts";
import {
  newPlace,
  produceEvents,
  searchLoop,
  startTestService,
  type TestService,
  waitFor,
} from "./_service.ts";

const TOKEN = "swap-test-token-0123456789";
const WORDS = [
  "red",
  "dress",
  "cotton",
  "tee",
  "leather",
  "bag",
  "watch",
  "blue",
];

function products(n: number, round: number) {
  return Array.from({ length: n }, (_, i) => ({
    op: "upsert",
    id: `s${i}`,
    title: `${WORDS[(i + round) % WORDS.length]} ${
      WORDS[i % 5]
    } item ${i} r${round}`,
    version: round,
  }));
}

function swaps(t: TestService, reason: string): number {
  return t.service.metrics.counter("index_swaps_total", "").get({ reason });
}

async function admin(t: TestService, action: string, body: unknown) {
  const res = await fetch(`${t.service.url}/admin/${action}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return await res.json();
}

async function upgrade(t: TestService, modelDir: string, round: number) {
  await admin(t, "reindex", { modelDir });
  // Events keep arriving while the shadow index is built.
  await produceEvents(t.brokers, t.topic, products(300, round));
  await waitFor(
    () => t.service.swaps.reindexState.state !== "running",
    `reindex to ${modelDir}`,
    120_000,
  );
  const state = t.service.swaps.reindexState;
  assert.equal(state.state, "done", JSON.stringify(state));
}

async function compactRound(t: TestService, round: number) {
  const before = swaps(t, "compact_auto");
  await produceEvents(t.brokers, t.topic, products(400, round));
  await waitFor(
    () => swaps(t, "compact_auto") > before,
    `automatic compaction in round ${round}`,
  );
}

Deno.test("live swap: 0 failed or empty searches through compactions and model upgrades", async () => {
  const place = await newPlace();
  const tinyDir = join(place.dataDir, "tiny-bundle");
  await createTinyBundle(tinyDir, { seed: 7 });
  const t = await startTestService(place, {
    ADMIN_TOKEN: TOKEN,
    COMPACT_STALE_PERCENT: "20",
    COMPACT_CHECK_MS: "100",
    COMPACT_MIN_STALE: "50",
  });
  try {
    await produceEvents(t.brokers, t.topic, products(400, 0));
    await waitFor(() => t.service.holder.current?.size === 400, "400 products");
    const loop = searchLoop(t.service.url, WORDS);
    try {
      await compactRound(t, 1);
      await compactRound(t, 2);
      await upgrade(t, tinyDir, 3);
      assert.equal(t.service.bundle.manifest.version, "tiny-7");
      assert.equal(t.service.holder.current?.dims, 16);
      await compactRound(t, 4);
      await upgrade(t, "model/default", 5);
      await compactRound(t, 6);
    } finally {
      await loop.stop();
    }
    const { tally } = loop;
    assert.equal(tally.failed, 0, tally.errors.slice(0, 5).join("\n"));
    assert.equal(tally.empty, 0);
    assert.ok(tally.ok > 50, `only ${tally.ok} searches ran`);
    assert.ok(swaps(t, "compact_auto") >= 4);
    assert.equal(swaps(t, "model_upgrade"), 2);
    const last = products(400, 6);
    await waitFor(
      () =>
        last.every((p) =>
          t.service.holder.current?.get(p.id)?.title === p.title
        ),
      "round 6 applied on every partition",
    );
    const ids = [...t.service.holder.current!.ids()].sort();
    assert.deepEqual(ids, products(400, 0).map((p) => p.id).sort());
    const record = t.service.holder.current!.get("s399");
    assert.equal(record?.title, products(400, 6)[399]?.title);
    await admin(t, "snapshot", {});
    const snaps = await listSnapshots(join(place.dataDir, "snapshots"));
    const newest = JSON.parse(
      await Deno.readTextFile(
        join(place.dataDir, "snapshots", snaps[0]!.name, "manifest.json"),
      ),
    );
    assert.equal(newest.modelVersion, t.service.bundle.manifest.version);
    assert.equal(newest.meta.modelDir, "model/default");
    const active = JSON.parse(
      await Deno.readTextFile(join(place.dataDir, "active-model.json")),
    );
    assert.equal(active.version, t.service.bundle.manifest.version);
  } finally {
    await t.service.stop();
    await Deno.remove(place.dataDir, { recursive: true });
  }
});
