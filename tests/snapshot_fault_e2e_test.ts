/**
 * Issue 13, item 3: the snapshot write fails while the service runs (the snapshot folder
 * becomes unwritable, as on a full disk). Searches are still served and events still
 * indexed, /readyz stays 200 but says degraded, nothing is committed, the failure is
 * counted and retried; once the folder is writable again a snapshot and a commit follow.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { testBrokers } from "../ingest/testing.ts";
import {
  getJson,
  newPlace,
  produceEvents,
  startTestService,
  upserts,
  waitFor,
} from "./_service.ts";

const products = (prefix: string, n: number) =>
  upserts(prefix, n, "Green wool winter coat");

async function committed(group: string, topic: string): Promise<number> {
  const admin = new Kafka({
    clientId: "snapshot-fault-test",
    brokers: testBrokers(),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({
      groupId: group,
      topics: [topic],
    });
    return (entry?.partitions ?? []).reduce(
      (sum, p) => sum + Math.max(0, Number(p.offset)),
      0,
    );
  } finally {
    await admin.disconnect();
  }
}

Deno.test("a failing snapshot write degrades readiness, commits nothing, is retried, and recovers", async () => {
  const place = await newPlace();
  const ts = await startTestService(place, {
    SNAPSHOT_EVERY_EVENTS: "20",
    SNAPSHOT_INTERVAL_MS: "200",
  });
  const snapshots = join(place.dataDir, "snapshots");
  try {
    await produceEvents(ts.brokers, place.topic, products("a", 40));
    await waitFor(() => ts.service.holder.current?.size === 40, "40");
    let before = 0;
    for (let i = 0; i < 100 && before < 40; i++) {
      before = await committed(place.groupId, place.topic);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(before, 40, "the first 40 events are committed");

    // The folder becomes unwritable: a file where the folder was.
    await Deno.rename(snapshots, `${snapshots}.away`);
    await Deno.writeTextFile(snapshots, "not a folder");
    await produceEvents(ts.brokers, place.topic, products("b", 40));
    await waitFor(() => ts.service.holder.current?.size === 80, "80 indexed");
    const failures = () =>
      ts.service.metrics.counter("checkpoint_failures_total", "").get();
    await waitFor(() => failures() >= 2, "failed snapshots to be retried");
    const ready = await getJson(ts.service, "/readyz");
    assert.equal(ready.status, 200, "still serving");
    const degraded = (ready.body as { degraded?: string[] }).degraded ?? [];
    assert.equal(degraded.length, 1);
    assert.match(degraded[0] ?? "", /Snapshots are failing/);
    const stats = await getJson(ts.service, "/stats");
    const failing = (stats.body as {
      snapshot: { failing: { attempts: number; error: string } | null };
    }).snapshot.failing;
    assert.ok((failing?.attempts ?? 0) >= 2, JSON.stringify(stats.body));
    const metrics = await (await fetch(`${ts.service.url}/metrics`)).text();
    assert.match(metrics, /checkpoint_failures_total [1-9]/);
    const search = await getJson(ts.service, "/search?q=green+coat&k=5");
    assert.equal(search.status, 200);
    assert.ok((search.body as { hits: unknown[] }).hits.length > 0);
    assert.equal(
      await committed(place.groupId, place.topic),
      40,
      "nothing is committed while snapshots fail",
    );
    assert.ok(ts.log.lines.some((l) => l.event === "checkpoint_failed"));

    // Writable again: the next retry snapshots and commits everything.
    await Deno.remove(snapshots);
    await Deno.rename(`${snapshots}.away`, snapshots);
    await waitFor(
      () => ts.log.lines.some((l) => l.event === "checkpoint_recovered"),
      "a retried snapshot to succeed",
      60_000,
    );
    const after = await getJson(ts.service, "/readyz");
    assert.equal((after.body as { degraded?: unknown }).degraded, undefined);
    const recovered = await getJson(ts.service, "/stats");
    assert.equal(
      (recovered.body as { snapshot: { failing: unknown } }).snapshot.failing,
      null,
    );
    assert.equal(await committed(place.groupId, place.topic), 80);
  } finally {
    await ts.service.stop();
    await Deno.remove(place.dataDir, { recursive: true });
  }
});
