import assert from "node:assert/strict";
import { listen } from "./listen.ts";

Deno.test("listen() serves on a free port until stop()", async () => {
  const server = listen(() => new Response("hi"), {
    hostname: "127.0.0.1",
    port: 0,
  });
  assert.notEqual(server.addr.port, 0);
  assert.equal(server.url, `http://127.0.0.1:${server.addr.port}`);
  assert.equal(await (await fetch(server.url)).text(), "hi");
  await server.stop();
  await server.stop();
  await assert.rejects(fetch(server.url));
});

Deno.test("listen() brackets an IPv6 host and throws AddrInUse for a taken port", async () => {
  let v6;
  try {
    v6 = listen(() => new Response("six"), { hostname: "::1", port: 0 });
  } catch {
    // No IPv6 loopback on this machine: nothing to check here.
  }
  if (v6) {
    await using _ = v6;
    assert.equal(v6.url, `http://[::1]:${v6.addr.port}`);
    assert.equal(await (await fetch(v6.url)).text(), "six");
  }
  await using taken = listen(() => new Response(), {
    hostname: "127.0.0.1",
    port: 0,
  });
  assert.throws(
    () =>
      listen(() => new Response(), {
        hostname: "127.0.0.1",
        port: taken.addr.port,
      }),
    Deno.errors.AddrInUse,
  );
});
