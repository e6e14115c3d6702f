/**
 * Issue 12, images in hits: the service makes a thumbnail at ingest from the decoded
 * pixels, serves it at /products/:id/image, and keeps it through a compaction swap, a
 * restart from a snapshot and a read replica of the snapshots folder.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Image } from "imagescript";
import { createMemoryLogger } from "../log.ts";
import { startReplica } from "../app/mod.ts";
import {
  newPlace,
  produceEvents,
  startTestService,
  waitFor,
} from "./_service.ts";

const TOKEN = "thumbnail-test-token-0123456789";

async function redPng(): Promise<string> {
  const image = new Image(300, 200).fill(Image.rgbaToColor(210, 20, 30, 255));
  const bytes = await image.encode();
  return btoa(String.fromCharCode(...bytes));
}

async function imageOf(url: string, id: string): Promise<Image> {
  const res = await fetch(`${url}/products/${id}/image`);
  assert.equal(res.status, 200, `image of ${id} at ${url}`);
  assert.equal(res.headers.get("content-type"), "image/jpeg");
  return await Image.decode(new Uint8Array(await res.arrayBuffer()));
}

function assertRedThumb(image: Image): void {
  assert.deepEqual([image.width, image.height], [192, 128]);
  const [r = 0, g = 255] = Image.colorToRGBA(image.getPixelAt(50, 50));
  assert.ok(r > 180 && g < 70, `pixel ${r},${g}`);
}

Deno.test("thumbnails are made at ingest and survive a swap, a restart and a replica", async () => {
  const place = await newPlace();
  const env = {
    ADMIN_TOKEN: TOKEN,
    SNAPSHOT_EVERY_EVENTS: "1",
    SNAPSHOT_INTERVAL_MS: "200",
  };
  let ingest = await startTestService(place, env);
  try {
    await produceEvents(ingest.brokers, ingest.topic, [
      {
        op: "upsert",
        id: "pic",
        title: "Red silk dress",
        image: { base64: await redPng() },
      },
      { op: "upsert", id: "plain", title: "Red cotton dress" },
      {
        op: "upsert",
        id: "broken",
        title: "Red wool dress",
        image: { base64: btoa("not an image") },
      },
    ]);
    await waitFor(() => ingest.service.holder.current?.size === 3, "3 indexed");
    const res = await fetch(`${ingest.service.url}/search?q=red+dress&k=3`);
    const hits = (await res.json()).hits as { id: string; image: unknown }[];
    const image = Object.fromEntries(hits.map((h) => [h.id, h.image]));
    assert.deepEqual(image, {
      pic: "/products/pic/image",
      plain: null,
      broken: null,
    });
    assertRedThumb(await imageOf(ingest.service.url, "pic"));
    const missing = await fetch(`${ingest.service.url}/products/broken/image`);
    assert.equal(missing.status, 404);
    await missing.body?.cancel();

    const compact = await fetch(`${ingest.service.url}/admin/compact`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(compact.status, 200, await compact.text());
    assertRedThumb(await imageOf(ingest.service.url, "pic"));

    const snap = await fetch(`${ingest.service.url}/admin/snapshot`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(snap.status, 200, await snap.text());
    await using replica = await startReplica({
      snapshotsDir: join(place.dataDir, "snapshots"),
      port: 0,
      pollMs: 50,
      log: createMemoryLogger(),
    });
    await waitFor(() => replica.holder.current?.size === 3, "replica loaded");
    assertRedThumb(await imageOf(replica.url, "pic"));

    await ingest.service.stop();
    ingest = await startTestService(place, env);
    await waitFor(() => ingest.service.holder.current?.size === 3, "restart");
    assertRedThumb(await imageOf(ingest.service.url, "pic"));
  } finally {
    await ingest.service.stop();
    await Deno.remove(place.dataDir, { recursive: true });
  }
});
