/**
 * Issue 13, item 1: a snapshot names the log it belongs to. A data dir whose snapshot was
 * built from another incarnation of the topic (deleted and created again), or whose
 * covered offsets retention has since deleted past, is not used: the service rebuilds
 * from the topic, says why, and counts it. The same when the topic is recreated while
 * the service runs. Before this, the first scenario silently skipped the new topic's
 * first events (the snapshot's offsets were applied to the new log).
 */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { join } from "node:path";
import { createMemoryLogger } from "../log.ts";
import { partitionOf, startReplica } from "../app/mod.ts";
import {
  getJson,
  newPlace,
  produceEvents,
  type ServicePlace,
  startTestService,
  upserts,
  waitFor,
} from "./_service.ts";
import { testBrokers } from "../ingest/testing.ts";

const products = (prefix: string, n: number) =>
  upserts(prefix, n, "Striped cotton summer shirt");

function admin() {
  return new Kafka({
    clientId: "log-identity-test",
    brokers: testBrokers(),
    logLevel: logLevel.NOTHING,
  }).admin();
}

/** Deletes `topic` and creates it again (2 partitions, compacted) once the broker lets it. */
async function recreateTopic(topic: string): Promise<void> {
  const a = admin();
  await a.connect();
  try {
    await a.deleteTopics({ topics: [topic], timeout: 20_000 });
    await waitUntil(async () => !(await a.listTopics()).includes(topic));
    await waitUntil(async () => {
      try {
        await a.createTopics({
          topics: [{
            topic,
            numPartitions: 2,
            configEntries: [{ name: "cleanup.policy", value: "compact" }],
          }],
        });
      } catch {
        // Still marked for deletion, or created by an earlier try: the listing decides.
      }
      return (await a.listTopics()).includes(topic);
    });
    await waitUntil(async () =>
      (await a.fetchTopicOffsets(topic)).length === 2
    );
  } finally {
    await a.disconnect();
  }
}

/** Polls `check` until it holds; an error (e.g. a leader not elected yet) is a "no". */
async function waitUntil(check: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (!(await check().catch((err: unknown) => (last = err, false)))) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for Kafka: ${String(last)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function idsOf(
  service: { holder: { current: { ids(): Iterable<string> } | null } },
) {
  return [...(service.holder.current?.ids() ?? [])].sort();
}

function sorted(ids: string[]) {
  return [...ids].sort();
}

async function withPlace(fn: (place: ServicePlace) => Promise<void>) {
  const place = await newPlace();
  try {
    await fn(place);
  } finally {
    await Deno.remove(place.dataDir, { recursive: true });
  }
}

Deno.test("startService() rebuilds from a recreated topic instead of applying the old snapshot's offsets", async () => {
  await withPlace(async (place) => {
    const first = await startTestService(place);
    await produceEvents(first.brokers, place.topic, products("old", 240));
    await waitFor(() => first.service.holder.current?.size === 240, "240 old");
    await first.service.stop();

    await recreateTopic(place.topic);
    const fresh = products("new", 600);
    await produceEvents(first.brokers, place.topic, fresh);

    const second = await startTestService(place);
    try {
      const expected = sorted(fresh.map((p) => p.id));
      await waitFor(
        () =>
          JSON.stringify(idsOf(second.service)) === JSON.stringify(expected),
        "exactly the 600 products of the new topic",
        60_000,
      );
      const warning = second.log.lines.find((l) =>
        l.event === "snapshot_rejected"
      );
      assert.equal(warning?.level, "warn");
      assert.equal(warning?.reason, "topic_recreated");
      assert.match(String(warning?.why), /rebuilding the index from the topic/);
      const rebuilds = second.service.metrics.series("log_rebuilds_total");
      assert.deepEqual(rebuilds, [[{ reason: "topic_recreated" }, 1]]);
      const stats = await getJson(second.service, "/stats");
      const log = (stats.body as { log: Record<string, unknown> }).log;
      assert.deepEqual(log.rebuilds, { topic_recreated: 1 });
      assert.equal(typeof log.topicId, "string");
      const metrics = await (await fetch(`${second.service.url}/metrics`))
        .text();
      assert.match(metrics, /log_rebuilds_total\{reason="topic_recreated"\} 1/);
    } finally {
      await second.service.stop();
    }
  });
});

Deno.test("startService() rebuilds when retention deleted events its snapshot did not cover", async () => {
  await withPlace(async (place) => {
    const first = await startTestService(place);
    const before = products("a", 100);
    await produceEvents(first.brokers, place.topic, before);
    await waitFor(() => first.service.holder.current?.size === 100, "100");
    await first.service.stop();
    // While the service is down, more events arrive and retention removes partition 0's
    // log, including events the snapshot never saw.
    const later = products("b", 100);
    await produceEvents(first.brokers, place.topic, later);
    const a = admin();
    await a.connect();
    try {
      // Retention needs the delete policy beside compaction.
      await a.alterConfigs({
        validateOnly: false,
        resources: [{
          type: 2, // TOPIC
          name: place.topic,
          configEntries: [{ name: "cleanup.policy", value: "compact,delete" }],
        }],
      });
      const high = (await a.fetchTopicOffsets(place.topic))
        .find((p) => p.partition === 0)?.high;
      assert.ok(high !== undefined);
      await a.deleteTopicRecords({
        topic: place.topic,
        partitions: [{ partition: 0, offset: high }],
      });
    } finally {
      await a.disconnect();
    }
    const second = await startTestService(place);
    try {
      const expected = sorted(
        [...before, ...later].map((p) => p.id).filter((id) =>
          partitionOf(id, 2) === 1
        ),
      );
      await waitFor(
        () =>
          JSON.stringify(idsOf(second.service)) === JSON.stringify(expected),
        "exactly the products left in the log",
        60_000,
      );
      const warning = second.log.lines.find((l) =>
        l.event === "snapshot_rejected"
      );
      assert.equal(warning?.reason, "log_start_past_offset");
    } finally {
      await second.service.stop();
    }
  });
});

Deno.test("a running service, and its read replica, rebuild when the topic is deleted and created again", async () => {
  await withPlace(async (place) => {
    const ts = await startTestService(place, {
      KAFKA_LOG_CHECK_MS: "300",
      SNAPSHOT_INTERVAL_MS: "200",
    });
    const replicaLog = createMemoryLogger();
    const replica = await startReplica({
      snapshotsDir: join(place.dataDir, "snapshots"),
      port: 0,
      pollMs: 50,
      log: replicaLog,
    });
    try {
      await produceEvents(ts.brokers, place.topic, products("old", 120));
      await waitFor(() => replica.holder.current?.size === 120, "replica 120");
      await recreateTopic(place.topic);
      const fresh = products("new", 150);
      await produceEvents(ts.brokers, place.topic, fresh);
      const expected = sorted(fresh.map((p) => p.id));
      await waitFor(
        () => JSON.stringify(idsOf(ts.service)) === JSON.stringify(expected),
        "exactly the products of the new topic",
        60_000,
      );
      const warning = ts.log.lines.find((l) => l.event === "log_changed");
      assert.equal(warning?.level, "warn");
      assert.equal(warning?.reason, "topic_recreated");
      const ready = await fetch(`${ts.service.url}/readyz`);
      await ready.body?.cancel();
      assert.equal(ready.status, 200);
      await waitFor(
        () => JSON.stringify(idsOf(replica)) === JSON.stringify(expected),
        "the replica to serve only the new topic's products",
      );
      const changed = replicaLog.lines.find((l) =>
        l.event === "replica_log_changed"
      );
      assert.equal(changed?.reason, "topic_recreated");
    } finally {
      await replica.stop();
      await ts.service.stop();
    }
  });
});

Deno.test("a running service indexes the events of partitions added to its topic", async () => {
  await withPlace(async (place) => {
    const ts = await startTestService(place);
    const a = admin();
    await a.connect();
    try {
      await produceEvents(ts.brokers, place.topic, products("p", 60));
      await waitFor(() => ts.service.holder.current?.size === 60, "60");
      await a.createPartitions({
        topicPartitions: [{ topic: place.topic, count: 3 }],
      });
      const producer = new Kafka({
        clientId: "partition-increase-test",
        brokers: testBrokers(),
        logLevel: logLevel.NOTHING,
      }).producer();
      await producer.connect();
      try {
        // Straight into the new partition, as producers using the new count will.
        await producer.send({
          topic: place.topic,
          messages: products("n", 30).map((p) => ({
            key: p.id,
            value: JSON.stringify(p),
            partition: 2,
          })),
        });
      } finally {
        await producer.disconnect();
      }
      await waitFor(
        () => ts.service.holder.current?.size === 90,
        "the new partition's 30 products",
        60_000,
      );
      const ids = idsOf(ts.service);
      assert.ok(ids.includes("n0") && ids.includes("p0"));
      assert.equal(
        ts.service.metrics.series("log_rebuilds_total").length,
        0,
        JSON.stringify(ts.log.lines.filter((l) => l.event === "log_changed")),
      );
    } finally {
      await a.disconnect();
      await ts.service.stop();
    }
  });
});
