import assert from "node:assert/strict";
import { loadConfig } from "../config.ts";
import { createMemoryLogger } from "../log.ts";
import { Metrics } from "../metrics.ts";
import { PipelineMetrics } from "../pipeline/mod.ts";
import { LiveIngest } from "./ingest.ts";
import { ThumbnailStore } from "./thumbnails.ts";

function stopped(): LiveIngest {
  const config = loadConfig({});
  return new LiveIngest({
    brokers: ["127.0.0.1:1"],
    kafka: config.kafka,
    images: config.images,
    pipeline: { maxBatchSize: 4, maxWaitMs: 5, imageConcurrency: 1 },
    compaction: config.compaction,
  }, {
    log: createMemoryLogger(),
    metrics: new PipelineMetrics(new Metrics()),
    thumbs: new ThumbnailStore("/nonexistent"),
  });
}

Deno.test("LiveIngest before start: connecting, nothing to commit or rewind, stops at once", async () => {
  // Created before the parts that hold it; nothing connects until start().
  const ingest = stopped();
  const status = ingest.status();
  assert.equal(status.state, "connecting");
  assert.deepEqual(status.partitions, []);
  assert.equal(status.buffered, 0);
  await assert.rejects(
    ingest.commit([{ topic: "products", partition: 0, offset: "1" }]),
    /Cannot commit: ingestion not started/,
  );
  ingest.rewind({ 0: "0" });
  assert.throws(() => ingest.done, /not started/);
  assert.equal(await ingest.stop(), null);
  await ingest[Symbol.asyncDispose]();
});
