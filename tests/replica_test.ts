/**
 * Issue 5, read replicas: a search-only replica over the ingest service's snapshot
 * folder hot-reloads each new snapshot (more products, then a model upgrade that changes
 * the model and the dims) and answers searches throughout without Kafka.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createMemoryLogger } from "../log.ts";
import { createTinyBundle } from "../model/testing.ts";
import { startReplica } from "../app/mod.ts";
import {
  newPlace,
  produceEvents,
  startTestService,
  waitFor,
} from "./_service.ts";

const TOKEN = "replica-test-token-0123456789";

function products(from: number, to: number) {
  return Array.from({ length: to - from }, (_, i) => ({
    op: "upsert",
    id: `rp${from + i}`,
    title: `Red linen summer dress ${from + i}`,
  }));
}

async function search(url: string) {
  const res = await fetch(`${url}/search?q=red+dress&k=5`);
  return { status: res.status, body: await res.json() };
}

Deno.test("read replica hot-reloads snapshots and follows a model upgrade", async () => {
  const place = await newPlace();
  const tinyDir = join(place.dataDir, "tiny-bundle");
  await createTinyBundle(tinyDir, { seed: 11 });
  const ingest = await startTestService(place, {
    ADMIN_TOKEN: TOKEN,
    SNAPSHOT_EVERY_EVENTS: "50",
    SNAPSHOT_INTERVAL_MS: "200",
  });
  const replica = await startReplica({
    snapshotsDir: join(place.dataDir, "snapshots"),
    port: 0,
    pollMs: 50,
    log: createMemoryLogger(),
  });
  try {
    const before = await fetch(`${replica.url}/readyz`);
    await before.body?.cancel();
    assert.equal(before.status, 503, "no snapshot yet: not ready");
    await produceEvents(ingest.brokers, ingest.topic, products(0, 100));
    await waitFor(() => replica.holder.current?.size === 100, "replica 100");
    const first = await search(replica.url);
    assert.equal(first.status, 200);
    assert.equal(first.body.hits.length, 5);
    await produceEvents(ingest.brokers, ingest.topic, products(100, 250));
    await waitFor(() => replica.holder.current?.size === 250, "replica 250");
    const res = await fetch(`${ingest.service.url}/admin/reindex`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ modelDir: tinyDir }),
    });
    assert.equal(res.status, 200, await res.text());
    await waitFor(
      () => replica.generations.modelVersion === "tiny-11",
      "replica to load the upgraded model",
    );
    assert.equal(replica.holder.current?.dims, 16);
    assert.equal(replica.holder.current?.size, 250);
    const after = await search(replica.url);
    assert.equal(after.status, 200);
    assert.equal(after.body.index.model_version, "tiny-11");
    assert.equal(after.body.hits.length, 5);
  } finally {
    await replica.stop();
    await ingest.service.stop();
    await Deno.remove(place.dataDir, { recursive: true });
  }
});
