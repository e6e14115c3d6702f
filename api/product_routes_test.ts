import assert from "node:assert/strict";
import { PRODUCTS, testApp } from "./_test_app.ts";

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
const WITH_IMAGE = PRODUCTS.map((p) =>
  p.id === "p1" ? { ...p, thumbnail: JPEG } : p
);

Deno.test("GET /products/:id/image serves the thumbnail a record names, cacheable by ETag", async () => {
  const { app } = testApp({ products: WITH_IMAGE });
  const res = await app.request("/products/p1/image");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "image/jpeg");
  assert.deepEqual(new Uint8Array(await res.arrayBuffer()), JPEG);
  const etag = res.headers.get("etag");
  assert.ok(etag);
  const again = await app.request("/products/p1/image", {
    headers: { "if-none-match": etag },
  });
  assert.equal(again.status, 304);
  await again.body?.cancel();
});

Deno.test("GET /products/:id/image answers 404 no_image without one and not_found for unknown ids", async () => {
  const { app } = testApp({ products: WITH_IMAGE });
  const none = await app.request("/products/p2/image");
  assert.equal(none.status, 404);
  assert.equal((await none.json()).error.code, "no_image");
  const unknown = await app.request("/products/nope/image");
  assert.equal(unknown.status, 404);
  assert.equal((await unknown.json()).error.code, "not_found");
  const post = await app.request("/products/p1/image", { method: "POST" });
  assert.equal(post.status, 405);
  await post.body?.cancel();
});

Deno.test("createApp() hits and product records say where the product's image is", async () => {
  const { app } = testApp({ products: WITH_IMAGE });
  const body = await (await app.request("/search?q=red+dress&k=6")).json();
  const byId = new Map<string, { image: unknown }>(
    body.hits.map((h: { id: string; image: unknown }) => [h.id, h]),
  );
  assert.equal(byId.get("p1")?.image, "/products/p1/image");
  assert.equal(byId.get("p3")?.image, null);
  const record = await (await app.request("/products/p1")).json();
  assert.equal(record.image, "/products/p1/image");
  assert.equal(record.thumb, undefined);
  const plain = await (await app.request("/products/p2")).json();
  assert.equal(plain.image, null);
});
