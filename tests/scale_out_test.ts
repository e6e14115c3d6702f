/**
 * Issue 5, scale-out: two ingest services in one consumer group on a 2-partition topic
 * each index the products of their own partition (sharded by key); when one stops, the
 * other takes its partition over, replays it from the log start, and then holds every
 * live product with its latest title — nothing is lost in the rebalance.
 */
import assert from "node:assert/strict";
import { createMemoryLogger } from "../log.ts";
import { startFanout } from "../app/mod.ts";
import {
  newPlace,
  produceEvents,
  startTestService,
  type TestService,
  waitFor,
} from "./_service.ts";

function products(from: number, to: number, round: number) {
  return Array.from({ length: to - from }, (_, i) => ({
    op: "upsert",
    id: `sp${from + i}`,
    title: `Wool scarf ${from + i} round ${round}`,
    version: round,
  }));
}

/** Partitions the service's consumer owns, from /stats. */
async function owned(t: TestService): Promise<number> {
  const res = await fetch(`${t.service.url}/stats`);
  const body = await res.json();
  return body.consumer.partitions.length;
}

async function waitSplit(a: TestService, b: TestService): Promise<void> {
  const started = Date.now();
  while ((await owned(a)) !== 1 || (await owned(b)) !== 1) {
    if (Date.now() - started > 60_000) {
      throw new Error("The two consumers did not split the partitions");
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function ids(t: TestService): string[] {
  return [...(t.service.holder.current?.ids() ?? [])];
}

Deno.test("scale-out: 2 processes split 2 partitions; one stops and nothing is lost", async () => {
  const place = await newPlace();
  const otherDir = await Deno.makeTempDir({ prefix: "make-e2e-" });
  const env = { KAFKA_PARTITIONS: "2", SNAPSHOT_INTERVAL_MS: "300" };
  const a = await startTestService(place, env);
  const b = await startTestService({ ...place, dataDir: otherDir }, env);
  try {
    await waitSplit(a, b);
    await produceEvents(a.brokers, a.topic, products(0, 400, 1));
    await waitFor(
      () => ids(a).length + ids(b).length === 400,
      "the two shards to hold 400 products together",
    );
    const shardA = new Set(ids(a));
    assert.ok(
      shardA.size > 0 && ids(b).length > 0,
      "both shards hold products",
    );
    assert.ok(ids(b).every((id) => !shardA.has(id)), "shards are disjoint");
    await using fanout = await startFanout({
      shards: [a.service.url, b.service.url],
      port: 0,
      log: createMemoryLogger(),
    });
    const res = await fetch(`${fanout.url}/search?q=wool+scarf&k=30`);
    const merged = await res.json();
    assert.equal(res.status, 200);
    assert.equal(merged.index.size, 400);
    assert.equal(merged.hits.length, 30);
    const fromB = merged.hits.filter((h: { id: string }) => !shardA.has(h.id));
    assert.ok(fromB.length > 0 && fromB.length < 30, "hits from both shards");
    const scores = merged.hits.map((h: { score: number }) => h.score);
    assert.deepEqual(scores, [...scores].sort((x, y) => y - x));
    for (const id of [ids(a)[0], ids(b)[0]]) {
      const one = await fetch(`${fanout.url}/products/${id}`);
      assert.equal((await one.json()).id, id);
    }

    await b.service.stop();
    await produceEvents(a.brokers, a.topic, [
      ...products(300, 500, 2),
      { op: "delete", id: "sp0", version: 3 },
    ]);
    await waitFor(
      () =>
        a.service.holder.current?.size === 499 &&
        a.service.holder.current?.get("sp499") !== undefined &&
        a.service.holder.current?.get("sp350")?.version === 2,
      "the remaining process to hold all 499 live products",
    );
    const expected = [...products(1, 300, 1), ...products(300, 500, 2)];
    assert.deepEqual(ids(a).sort(), expected.map((p) => p.id).sort());
    for (const p of expected) {
      assert.equal(a.service.holder.current?.get(p.id)?.title, p.title);
    }
  } finally {
    await a.service.stop();
    await b.service.stop();
    await Deno.remove(place.dataDir, { recursive: true });
    await Deno.remove(otherDir, { recursive: true });
  }
});
