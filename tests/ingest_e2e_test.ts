/**
 * Issue 3 end to end: product events on the real broker → decode → encode (shipped model)
 * → USearch → HTTP search, through the same composition as `deno task ingest`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { generateCatalog, writeCatalog } from "../model/catalog/mod.ts";
import type { ProductRecord } from "../types.ts";
import {
  getJson,
  newPlace,
  produceEvents,
  produceRaw,
  readTopic,
  startTestService,
  type TestService,
  waitFor,
} from "./_service.ts";

interface SearchBody {
  hits: Array<
    {
      id: string;
      score: number;
      title: string;
      weights: { title: number; image: number };
    }
  >;
}

async function search(
  t: TestService,
  q: string,
  k = 10,
): Promise<SearchBody["hits"]> {
  const { status, body } = await getJson(
    t.service,
    `/search?q=${encodeURIComponent(q)}&k=${k}`,
  );
  assert.equal(status, 200, JSON.stringify(body));
  return (body as SearchBody).hits;
}

/** 500 catalogue products with images (PNG, JPEG, GIF) written under `dir`, as upsert events. */
async function catalogue(dir: string): Promise<Array<Record<string, unknown>>> {
  const catalog = generateCatalog({ products: 500, seed: 31 });
  await writeCatalog(catalog, dir, { imagePathPrefix: "images/" });
  const text = await Deno.readTextFile(join(dir, "products.jsonl"));
  return text.trim().split("\n").map((line) => JSON.parse(line));
}

Deno.test("ingest end to end: 500 products, updates, deletes, bad events, images", async (t) => {
  const place = await newPlace();
  const catalogDir = join(place.dataDir, "catalog");
  const events = await catalogue(catalogDir);
  const svc = await startTestService(place, { IMAGE_BASE_DIR: catalogDir });
  const { service } = svc;
  try {
    await t.step("500 produced products all become searchable", async () => {
      const started = performance.now();
      await produceEvents(svc.brokers, svc.topic, events);
      await waitFor(
        () => service.holder.current?.size === 500,
        "500 products in the index",
      );
      const seconds = (performance.now() - started) / 1000;
      const freshness = service.metrics.histogram("ingest_freshness_ms", "");
      svc.log.info("e2e_ingest_figures", {
        eventsPerSecond: 500 / seconds,
        freshnessP50Ms: freshness.quantile(0.5),
        freshnessP99Ms: freshness.quantile(0.99),
      });
      for (const e of events) {
        const { status } = await getJson(service, `/products/${e.id}`);
        assert.equal(status, 200, `product ${e.id} not found`);
      }
      // Every product is found by its own title among the top 10 (the shipped model).
      let found = 0;
      for (const e of events.slice(0, 100)) {
        if ((await search(svc, String(e.title))).some((h) => h.id === e.id)) {
          found++;
        }
      }
      assert.ok(
        found >= 90,
        `only ${found}/100 products found by their own title`,
      );
    });

    await t.step("images in JPEG, PNG and GIF are decoded and used", () => {
      const formats = new Map<string, ProductRecord[]>();
      for (const e of events) {
        const path = (e.image as { path?: string } | undefined)?.path;
        if (!path) continue;
        const ext = path.slice(path.lastIndexOf(".") + 1);
        const record = service.holder.get(String(e.id));
        assert.ok(record);
        formats.set(ext, [...(formats.get(ext) ?? []), record]);
      }
      assert.deepEqual([...formats.keys()].sort(), ["gif", "jpg", "png"]);
      for (const [ext, records] of formats) {
        for (const r of records) {
          assert.equal(
            r.imageSkipped,
            undefined,
            `${ext} image of ${r.id} skipped: ${r.imageSkipped}`,
          );
          assert.ok(
            r.weights.image > 0,
            `${ext} image of ${r.id} has weight 0`,
          );
        }
      }
    });

    await t.step(
      "an update changes the hit and the old title no longer finds it",
      async () => {
        const target = events.find((e) =>
          (e.attrs as Record<string, string>).type === "dress"
        ) ?? events[0]!;
        const oldTitle = String(target.title);
        assert.ok((await search(svc, oldTitle)).some((h) =>
          h.id === target.id
        ));
        await produceEvents(svc.brokers, svc.topic, [
          {
            op: "upsert",
            id: target.id,
            title: "Stainless steel espresso coffee machine 15 bar",
            version: 2,
          },
        ]);
        await waitFor(() =>
          service.holder.get(String(target.id))?.version === 2, "the update");
        const after = await search(svc, oldTitle);
        assert.ok(
          !after.some((h) =>
            h.id === target.id
          ),
          "old title still finds the updated product",
        );
        const newTitle = "Stainless steel espresso coffee machine 15 bar";
        const hit = (await search(svc, newTitle)).find((h) =>
          h.id === target.id
        );
        assert.equal(hit?.title, newTitle, "new title does not find it");
      },
    );

    await t.step(
      "a delete removes the product from search and lookup",
      async () => {
        const target = events[10]!;
        await produceRaw(svc.brokers, svc.topic, [{
          key: String(target.id),
          value: null,
        }]);
        await waitFor(
          () =>
            service.holder.get(String(target.id)) === undefined,
          "the tombstone delete",
        );
        assert.equal(
          (await getJson(service, `/products/${target.id}`)).status,
          404,
        );
        assert.ok(
          !(await search(svc, String(target.title))).some((h) =>
            h.id === target.id
          ),
        );
      },
    );

    await t.step(
      "bad events go to the DLQ with their reasons while good ones land",
      async () => {
        const size = service.holder.current!.size;
        await produceRaw(svc.brokers, svc.topic, [
          { key: "b1", value: "{not json" },
          {
            key: "good-1",
            value: JSON.stringify({
              op: "upsert",
              id: "good-1",
              title: "Walnut desk lamp",
            }),
          },
          { key: "b2", value: JSON.stringify({ op: "frobnicate", id: "b2" }) },
          { key: "b3", value: JSON.stringify({ op: "upsert", id: "b3" }) },
          {
            key: "b4",
            value: JSON.stringify({ op: "upsert", id: "other", title: "x" }),
          },
          { key: "b5", value: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) },
          {
            key: "good-2",
            value: JSON.stringify({
              op: "upsert",
              id: "good-2",
              title: "Oak bookshelf",
            }),
          },
        ]);
        await waitFor(
          () => service.holder.get("good-2") !== undefined,
          "the good events",
        );
        assert.equal(service.holder.current!.size, size + 2);
        const dlq = await readTopic(svc.brokers, svc.dlqTopic, 5);
        const reasons = Object.fromEntries(
          dlq.map((m) => [m.key, m.headers["dlq-reason"]]),
        );
        assert.deepEqual(reasons, {
          b1: "invalid_json",
          b2: "unknown_op",
          b3: "missing_title",
          b4: "key_mismatch",
          b5: "invalid_utf8",
        });
        assert.equal(
          dlq.find((m) => m.key === "b1")?.value,
          "{not json",
          "original bytes not kept",
        );
      },
    );

    await t.step(
      "a product with a broken image URL is found by its title",
      async () => {
        await produceEvents(svc.brokers, svc.topic, [{
          op: "upsert",
          id: "broken-img",
          title: String(events[20]!.title),
          attrs: events[20]!.attrs,
          image: { url: "http://127.0.0.1:9/missing.jpg" },
        }]);
        await waitFor(
          () => service.holder.get("broken-img") !== undefined,
          "the broken-image product",
        );
        const record = service.holder.get("broken-img")!;
        assert.equal(record.imageSkipped, "blocked_address");
        assert.deepEqual(record.weights, { title: 1, image: 0 });
        const hits = await search(svc, String(events[20]!.title));
        assert.ok(
          hits.some((h) => h.id === "broken-img"),
          JSON.stringify(hits.map((h) => h.title)),
        );
      },
    );
  } finally {
    await service.stop();
    await Deno.remove(place.dataDir, { recursive: true });
  }
});
