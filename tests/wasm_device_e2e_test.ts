/**
 * The portable encoder path end to end: with ENCODER_DEVICE=wasm (and the default image
 * Workers setting) products with images are ingested, their images used, and searchable.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { generateCatalog, writeCatalog } from "../model/catalog/mod.ts";
import {
  newPlace,
  produceEvents,
  startTestService,
  waitFor,
} from "./_service.ts";

Deno.test("ingest works on the wasm encoder with images", async () => {
  const place = await newPlace();
  const dir = join(place.dataDir, "catalog");
  await writeCatalog(generateCatalog({ products: 40, seed: 5 }), dir);
  const events = (await Deno.readTextFile(join(dir, "products.jsonl")))
    .trim().split("\n").map((l) => JSON.parse(l));
  const svc = await startTestService(place, {
    ENCODER_DEVICE: "wasm",
    IMAGE_BASE_DIR: dir,
  });
  try {
    assert.equal(svc.service.encoders.device, "wasm");
    await produceEvents(svc.brokers, svc.topic, events);
    await waitFor(
      () => svc.service.holder.current?.size === events.length,
      `${events.length} products on the wasm encoder`,
      90_000,
    );
    const withImage = events.filter((e) => e.image !== undefined);
    for (const e of withImage) {
      const record = svc.service.holder.get(String(e.id));
      assert.ok(record && record.weights.image > 0, `image of ${e.id} unused`);
    }
  } finally {
    await svc.service.stop();
    await Deno.remove(place.dataDir, { recursive: true });
  }
});
