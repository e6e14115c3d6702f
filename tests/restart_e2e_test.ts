/**
 * Issue 3: stopping and restarting the consumer resumes from committed offsets — no
 * product missing, none duplicated, no event replayed, no bad event dead-lettered twice.
 */
import assert from "node:assert/strict";
import {
  newPlace,
  produceEvents,
  produceRaw,
  readTopic,
  startTestService,
  waitFor,
} from "./_service.ts";

function products(from: number, to: number) {
  return Array.from({ length: to - from }, (_, i) => ({
    op: "upsert",
    id: `r${from + i}`,
    title: `Cotton crew neck tee number ${from + i}`,
    attrs: { batch: from === 0 ? "first" : "second" },
  }));
}

Deno.test("restart resumes from committed offsets without duplicates or gaps", async () => {
  const place = await newPlace();
  try {
    const first = await startTestService(place);
    await produceEvents(first.brokers, first.topic, products(0, 300));
    await produceRaw(first.brokers, first.topic, [{
      key: "bad-1",
      value: "{",
    }]);
    await waitFor(
      () => first.service.holder.current?.size === 300,
      "first 300 products",
    );
    await waitFor(
      () =>
        first.service.metrics.counter("ingest_consumed_total", "").get() ===
          301,
      "the bad event to be consumed",
    );
    await first.service.stop();

    // While the indexer is down, more events arrive.
    await produceEvents(first.brokers, first.topic, products(300, 500));
    await produceRaw(first.brokers, first.topic, [{
      key: "bad-2",
      value: "[]",
    }]);

    const second = await startTestService(place);
    try {
      await waitFor(
        () => second.service.holder.current?.size === 500,
        "all 500 products after restart",
      );
      await waitFor(
        () =>
          second.service.metrics.counter("ingest_consumed_total", "").get() ===
            201,
        "the second run to consume the 201 new events",
      );
      const ids = [...second.service.holder.current!.ids()].sort();
      const expected = [...products(0, 300), ...products(300, 500)]
        .map((p) => p.id).sort();
      assert.deepEqual(ids, expected);
      const consumed = second.service.metrics.counter(
        "ingest_consumed_total",
        "",
      ).get();
      assert.equal(consumed, 201, "the restart replayed committed events");
      const dlq = await readTopic(second.brokers, second.dlqTopic, 3, 3000);
      assert.deepEqual(dlq.map((m) => m.key).sort(), ["bad-1", "bad-2"]);
    } finally {
      await second.service.stop();
    }
  } finally {
    await Deno.remove(place.dataDir, { recursive: true });
  }
});

Deno.test("a versioned delete survives a restart: a late, older upsert stays ignored", async () => {
  const place = await newPlace();
  try {
    const first = await startTestService(place);
    await produceEvents(first.brokers, first.topic, [
      { op: "upsert", id: "gone", title: "Linen sofa cushion", version: 3 },
      { op: "delete", id: "gone", version: 4 },
      { op: "upsert", id: "kept", title: "Oak side table" },
    ]);
    await waitFor(
      () => first.service.holder.get("kept") !== undefined,
      "the events before the restart",
    );
    assert.equal(first.service.holder.get("gone"), undefined);
    await first.service.stop();

    await produceEvents(first.brokers, first.topic, [
      { op: "upsert", id: "gone", title: "Linen sofa cushion", version: 2 },
      { op: "upsert", id: "marker", title: "Walnut bookend" },
    ]);
    const second = await startTestService(place);
    try {
      await waitFor(
        () => second.service.holder.get("marker") !== undefined,
        "the events after the restart",
      );
      assert.equal(
        second.service.holder.get("gone"),
        undefined,
        "an upsert older than the delete brought the product back",
      );
    } finally {
      await second.service.stop();
    }
  } finally {
    await Deno.remove(place.dataDir, { recursive: true });
  }
});
