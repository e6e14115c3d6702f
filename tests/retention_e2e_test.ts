/**
 * Issue 13, item 3: retention deletes events the running service has not read yet (it
 * lags behind a slow image host). The consumer's next fetch is out of range; kafkajs
 * would reset to the log start and carry on, skipping the deleted events without a word,
 * and once it has read past the new log start no periodic check could tell. The service
 * must notice the reset at once, say why, count it, and rebuild from what the log still
 * holds. The periodic log check is turned off here (one hour) so that only the reset can
 * reveal the gap.
 */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { partitionOf } from "../app/mod.ts";
import { testBrokers } from "../ingest/testing.ts";
import {
  newPlace,
  produceEvents,
  startTestService,
  upserts,
  waitFor,
} from "./_service.ts";

const products = (prefix: string, n: number) =>
  upserts(prefix, n, "Linen kitchen apron");

/** An image host whose one image answers (404) only when released. */
function stallingImageHost() {
  const released = Promise.withResolvers<void>();
  let requests = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async () => {
      requests++;
      await released.promise;
      return new Response("gone", { status: 404 });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/apron.png`,
    requests: () => requests,
    release: () => released.resolve(),
    [Symbol.asyncDispose]: async () => {
      released.resolve();
      await server.shutdown();
    },
  };
}

/** Deletes every record of `partition` that is in the log now (retention's effect). */
async function deleteRecords(topic: string, partition: number) {
  const admin = new Kafka({
    clientId: "retention-test",
    brokers: testBrokers(),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{
        type: 2, // TOPIC
        name: topic,
        configEntries: [{ name: "cleanup.policy", value: "compact,delete" }],
      }],
    });
    const high = (await admin.fetchTopicOffsets(topic))
      .find((p) => p.partition === partition)?.high;
    assert.ok(high !== undefined);
    await admin.deleteTopicRecords({
      topic,
      partitions: [{ partition, offset: high }],
    });
  } finally {
    await admin.disconnect();
  }
}

Deno.test("retention deleting events the running service has not read yet means a rebuild, not a silent skip", async () => {
  const place = await newPlace();
  await using host = stallingImageHost();
  const ts = await startTestService(place, {
    KAFKA_LOG_CHECK_MS: "3600000",
    KAFKA_MAX_BUFFERED: "1",
    IMAGE_ALLOW_PRIVATE_NETWORK: "true",
    IMAGE_TIMEOUT_MS: "120000",
  });
  try {
    const before = products("a", 40);
    await produceEvents(ts.brokers, place.topic, before);
    await waitFor(() => ts.service.holder.current?.size === 40, "40");
    // A product whose image host hangs holds the pipeline; what follows waits in Kafka.
    const stalled = { ...products("s", 1)[0]!, image: { url: host.url } };
    await produceEvents(ts.brokers, place.topic, [stalled]);
    await waitFor(() => host.requests() > 0, "the image request");
    // The first wave is fetched and held in memory (a fetch, the read-ahead); the
    // consumer fetches nothing more until the pipeline moves, so the second stays unread.
    const fetched = products("b", 100);
    await produceEvents(ts.brokers, place.topic, fetched);
    await new Promise((r) => setTimeout(r, 2000));
    const unread = products("u", 100);
    await produceEvents(ts.brokers, place.topic, unread);
    await deleteRecords(place.topic, 0);
    const after = products("c", 60);
    await produceEvents(ts.brokers, place.topic, after);
    host.release();

    const survivors = [...before, stalled, ...fetched, ...unread]
      .filter((p) => partitionOf(p.id, 2) === 1)
      .concat(after)
      .map((p) => p.id).sort();
    const ids = () => [...(ts.service.holder.current?.ids() ?? [])].sort();
    await waitFor(
      () => JSON.stringify(ids()) === JSON.stringify(survivors),
      "exactly the products left in the log",
      60_000,
    ).catch((err) => {
      const lost = survivors.filter((id) => !ids().includes(id));
      const extra = ids().filter((id) => !survivors.includes(id));
      throw new Error(
        `${err.message}: ${lost.length} missing, ${extra.length} extra (${
          extra.slice(0, 5)
        })`,
      );
    });
    const warning = ts.log.lines.find((l) => l.event === "log_changed");
    assert.equal(warning?.level, "warn");
    assert.equal(warning?.reason, "log_start_past_offset");
    assert.equal(
      ts.service.metrics.counter("log_rebuilds_total", "").get({
        reason: "log_start_past_offset",
      }),
      1,
    );
  } finally {
    await ts.service.stop();
    await Deno.remove(place.dataDir, { recursive: true });
  }
});
