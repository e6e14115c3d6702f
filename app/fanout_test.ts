import assert from "node:assert/strict";
import { createMemoryLogger } from "../log.ts";
import { startFanout } from "./fanout.ts";

const JPEG = new Uint8Array([0xff, 0xd8, 1, 2, 0xff, 0xd9]);

function shard(hasImage: boolean) {
  const abort = new AbortController();
  const listening = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    port: 0,
    hostname: "127.0.0.1",
    signal: abort.signal,
    onListen: (addr) => listening.resolve(addr),
  }, (req) => {
    if (new URL(req.url).pathname !== "/products/p1/image" || !hasImage) {
      return Response.json({ error: { code: "not_found", message: "no" } }, {
        status: 404,
      });
    }
    return new Response(JPEG, {
      headers: { "content-type": "image/jpeg", etag: '"abc.jpg"' },
    });
  });
  return {
    url: listening.promise.then((a) => `http://127.0.0.1:${a.port}`),
    stop: async () => {
      abort.abort();
      await server.finished;
    },
  };
}

Deno.test("startFanout() serves a product's image from the shard that has it", async () => {
  const a = shard(false);
  const b = shard(true);
  try {
    await using fanout = await startFanout({
      shards: [await a.url, await b.url],
      port: 0,
      log: createMemoryLogger(),
    });
    const res = await fetch(`${fanout.url}/products/p1/image`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "image/jpeg");
    assert.equal(res.headers.get("etag"), '"abc.jpg"');
    assert.deepEqual(new Uint8Array(await res.arrayBuffer()), JPEG);
    const none = await fetch(`${fanout.url}/products/p2/image`);
    assert.equal(none.status, 404);
    assert.equal((await none.json()).error.code, "not_found");
  } finally {
    await a.stop();
    await b.stop();
  }
});
