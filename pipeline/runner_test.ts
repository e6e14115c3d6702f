import assert from "node:assert/strict";
import { createMemoryLogger } from "../log.ts";
import { Metrics } from "../metrics.ts";
import type {
  ImageRef,
  MessagePosition,
  ParseResult,
  ProductRecord,
  SourceMessage,
} from "../types.ts";
import { ManualClock } from "./clock.ts";
import { PipelineMetrics } from "./metrics.ts";
import { type PipelineDeps, runPipeline } from "./runner.ts";
import { Channel, settle } from "./_channel_test_util.ts";
import { TombstoneCache } from "./tombstones.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function message(
  partition: number,
  offset: number,
  value: unknown,
): SourceMessage {
  return {
    topic: "products",
    partition,
    offset: String(offset),
    key: null,
    value: value === null
      ? null
      : enc.encode(typeof value === "string" ? value : JSON.stringify(value)),
    headers: {},
    timestampMs: 1000 + offset,
  };
}

function parse(msg: SourceMessage): ParseResult {
  if (msg.value === null) {
    return { kind: "bad", reason: "tombstone_without_key", detail: "" };
  }
  try {
    const v = JSON.parse(dec.decode(msg.value));
    if (typeof v.id !== "string") {
      return { kind: "bad", reason: "missing_id", detail: "no id" };
    }
    return { kind: "ok", event: { attrs: {}, ...v } };
  } catch (err) {
    return { kind: "bad", reason: "invalid_json", detail: String(err) };
  }
}

function harness(
  messages: SourceMessage[],
  overrides: Partial<PipelineDeps> = {},
) {
  const src = new Channel<SourceMessage>();
  src.push(...messages);
  src.close();
  const index = new Map<
    string,
    { record: ProductRecord; vector: Float32Array }
  >();
  const dlq: Array<{ offset: string; reason: string }> = [];
  const checkpoints: MessagePosition[][] = [];
  const encoded: Array<{ title: string; hasImage: boolean }> = [];
  const metrics = new Metrics();
  const deps: PipelineDeps = {
    source: src,
    parse,
    loadImage: (ref: ImageRef) =>
      Promise.resolve(
        "url" in ref && ref.url.includes("broken")
          ? { kind: "skipped" as const, reason: "fetch_failed", detail: "404" }
          : {
            kind: "ok" as const,
            tensor: { width: 1, height: 1, data: new Float32Array(3) },
          },
      ),
    encode: (batch) => {
      encoded.push(
        ...batch.map((b) => ({ title: b.title, hasImage: b.image !== null })),
      );
      return Promise.resolve(batch.map((b) => ({
        vector: new Float32Array([b.title.length, 1]),
        weights: b.image ? { title: 0.6, image: 0.4 } : { title: 1, image: 0 },
      })));
    },
    index: () => ({
      get: (id) => index.get(id)?.record,
      upsert: (record, vector) => void index.set(record.id, { record, vector }),
      remove: (id) => index.delete(id),
    }),
    deadLetter: (msg, reason) => {
      dlq.push({ offset: msg.offset, reason });
      return Promise.resolve();
    },
    checkpoint: (positions) => {
      checkpoints.push(positions);
      return Promise.resolve();
    },
    log: createMemoryLogger(),
    metrics: new PipelineMetrics(metrics),
    clock: new ManualClock(5000),
    ...overrides,
  };
  return { deps, index, dlq, checkpoints, encoded, metrics };
}

const options = { maxBatchSize: 2, maxWaitMs: 10, imageConcurrency: 3 };

Deno.test("runPipeline() indexes upserts and checkpoints the last offset per partition", async () => {
  const h = harness([
    message(0, 0, {
      op: "upsert",
      id: "a",
      title: "red dress",
      image: { url: "http://x/a.jpg" },
    }),
    message(1, 0, { op: "upsert", id: "b", title: "blue shoe" }),
    message(0, 1, { op: "upsert", id: "c", title: "mug" }),
  ]);
  const summary = await runPipeline(h.deps, options);
  assert.equal(summary.upserted, 3);
  assert.deepEqual([...h.index.keys()].sort(), ["a", "b", "c"]);
  assert.deepEqual(h.index.get("a")?.record.weights, {
    title: 0.6,
    image: 0.4,
  });
  assert.deepEqual(h.index.get("b")?.record.weights, { title: 1, image: 0 });
  assert.equal(h.index.get("a")?.record.eventTimeMs, 1000);
  assert.deepEqual(h.checkpoints, [
    [{ topic: "products", partition: 0, offset: "0" }, {
      topic: "products",
      partition: 1,
      offset: "0",
    }],
    [{ topic: "products", partition: 0, offset: "1" }],
  ]);
});

Deno.test("runPipeline() dead-letters bad events and still indexes good ones", async () => {
  const h = harness([
    message(0, 0, "{not json"),
    message(0, 1, { op: "upsert", id: "ok", title: "lamp" }),
    message(0, 2, { op: "upsert", title: "no id" }),
  ]);
  const summary = await runPipeline(h.deps, options);
  assert.deepEqual(h.dlq, [{ offset: "0", reason: "invalid_json" }, {
    offset: "2",
    reason: "missing_id",
  }]);
  assert.equal(summary.deadLettered, 2);
  assert.ok(h.index.has("ok"));
  assert.equal(
    h.metrics.counter("ingest_dlq_total", "").get({ reason: "invalid_json" }),
    1,
  );
  assert.deepEqual(h.checkpoints.at(-1), [{
    topic: "products",
    partition: 0,
    offset: "2",
  }]);
});

Deno.test("runPipeline() indexes a product with a broken image from its title alone", async () => {
  const h = harness([
    message(0, 0, {
      op: "upsert",
      id: "p",
      title: "red dress",
      image: { url: "http://x/broken" },
    }),
  ]);
  await runPipeline(h.deps, options);
  assert.deepEqual(h.encoded, [{ title: "red dress", hasImage: false }]);
  const record = h.index.get("p")?.record;
  assert.equal(record?.imageSkipped, "fetch_failed");
  assert.deepEqual(record?.weights, { title: 1, image: 0 });
  assert.equal(
    h.metrics.counter("ingest_image_skipped_total", "").get({
      reason: "fetch_failed",
    }),
    1,
  );
});

Deno.test("runPipeline() applies versions order-safely", async (t) => {
  await t.step("an older version is ignored", async () => {
    const h = harness([
      message(0, 0, { op: "upsert", id: "p", title: "new title", version: 5 }),
      message(0, 1, { op: "upsert", id: "p", title: "old title", version: 3 }),
    ]);
    const summary = await runPipeline(h.deps, options);
    assert.equal(h.index.get("p")?.record.title, "new title");
    assert.equal(summary.stale, 1);
  });
  await t.step("a newer version replaces the product", async () => {
    const h = harness([
      message(0, 0, { op: "upsert", id: "p", title: "old title", version: 1 }),
      message(0, 1, { op: "upsert", id: "p", title: "new title", version: 2 }),
    ]);
    await runPipeline(h.deps, options);
    assert.equal(h.index.get("p")?.record.title, "new title");
    assert.equal(h.index.get("p")?.record.version, 2);
  });
  await t.step(
    "a late upsert older than a delete does not resurrect the product",
    async () => {
      const h = harness([
        message(0, 0, { op: "upsert", id: "p", title: "x", version: 1 }),
        message(0, 1, { op: "delete", id: "p", version: 4 }),
        message(0, 2, { op: "upsert", id: "p", title: "x", version: 3 }),
        message(0, 3, { op: "upsert", id: "q", title: "y" }),
      ]);
      const summary = await runPipeline(h.deps, options);
      assert.equal(h.index.has("p"), false);
      assert.equal(summary.deleted, 1);
      assert.equal(summary.stale, 1);
    },
  );
});

Deno.test("runPipeline() does not checkpoint a batch whose encoding failed", async () => {
  const h = harness([
    message(0, 0, { op: "upsert", id: "a", title: "a" }),
    message(0, 1, { op: "upsert", id: "b", title: "b" }),
    message(0, 2, { op: "upsert", id: "c", title: "c" }),
  ]);
  let calls = 0;
  const encode = h.deps.encode;
  h.deps = {
    ...h.deps,
    encode: (batch) =>
      ++calls === 2
        ? Promise.reject(new Error("encoder crashed"))
        : encode(batch),
  };
  await assert.rejects(runPipeline(h.deps, options), /encoder crashed/);
  assert.deepEqual(h.checkpoints, [[{
    topic: "products",
    partition: 0,
    offset: "1",
  }]]);
  assert.equal(h.index.has("c"), false);
});

Deno.test("runPipeline() flushes a partial batch after maxWaitMs", async () => {
  const src = new Channel<SourceMessage>();
  const clock = new ManualClock();
  const h = harness([], { clock, source: src });
  const run = runPipeline(h.deps, { ...options, maxBatchSize: 100 });
  src.push(message(0, 0, { op: "upsert", id: "a", title: "a" }));
  for (let i = 0; i < 20 && clock.pending === 0; i++) {
    await new Promise((r) => setTimeout(r, 0));
  }
  assert.equal(h.index.has("a"), false);
  clock.advance(10);
  for (let i = 0; i < 20 && !h.index.has("a"); i++) {
    await new Promise((r) => setTimeout(r, 0));
  }
  assert.ok(h.index.has("a"), "not flushed after maxWaitMs");
  src.close();
  await run;
});

Deno.test("runPipeline() keeps loading images while a batch encodes, unless readAheadItems is 0", async () => {
  const events = Array.from({ length: 12 }, (_, i) =>
    message(0, i, {
      op: "upsert",
      id: `p${i}`,
      title: `t${i}`,
      image: { url: `http://x/${i}.jpg` },
    }));
  const seen: number[] = [];
  for (const readAheadItems of [undefined, 0]) {
    let loaded = 0;
    const gate = Promise.withResolvers<void>();
    let encodes = 0;
    const h = harness(events, {
      loadImage: () => {
        loaded++;
        return Promise.resolve({
          kind: "ok" as const,
          tensor: { width: 1, height: 1, data: new Float32Array(3) },
        });
      },
      encode: async (batch) => {
        // The first batch's encode waits until the test has counted the loads.
        if (encodes++ === 0) await gate.promise;
        return batch.map(() => ({
          vector: new Float32Array([1, 1]),
          weights: { title: 0.5, image: 0.5 },
        }));
      },
    });
    const run = runPipeline(h.deps, {
      maxBatchSize: 2,
      maxWaitMs: 10,
      imageConcurrency: 3,
      ...(readAheadItems === undefined ? {} : { readAheadItems }),
    });
    await settle(200);
    seen.push(loaded);
    gate.resolve();
    assert.equal((await run).upserted, 12);
  }
  const [ahead, without] = seen as [number, number];
  // Read-ahead keeps `readAheadItems` (= maxBatchSize, 2) more images loaded during the
  // encode, and stays bounded: batch + read-ahead + loads in flight + one pending pull.
  assert.ok(ahead >= without + 2, `loaded ${ahead} with, ${without} without`);
  assert.ok(ahead <= 2 + 2 + 3 + 1, `loaded ${ahead}: read-ahead not bounded`);
});

Deno.test("runPipeline() honours delete versions restored from a snapshot", async () => {
  const h = harness([
    message(0, 7, { op: "upsert", id: "p", title: "late, older", version: 3 }),
  ]);
  const summary = await runPipeline(h.deps, {
    ...options,
    tombstones: TombstoneCache.from([["p", 4]], 10),
  });
  assert.equal(h.index.has("p"), false);
  assert.equal(summary.stale, 1);
});

Deno.test("runPipeline() counts into the PipelineMetrics handle that /stats reads", async () => {
  const h = harness([
    message(0, 0, { op: "upsert", id: "a", title: "A" }),
    message(0, 1, "{bad"),
    message(0, 2, {
      op: "upsert",
      id: "b",
      title: "B",
      image: { url: "http://x/broken" },
    }),
  ]);
  await runPipeline(h.deps, options);
  const totals = h.deps.metrics.totals();
  assert.equal(totals.consumed, 3);
  assert.deepEqual(totals.events, { upserted: 2 });
  assert.deepEqual(totals.dlq, { invalid_json: 1 });
  assert.deepEqual(totals.imageSkipped, { fetch_failed: 1 });
  assert.equal(typeof totals.lastEventTimeMs, "number");
});
