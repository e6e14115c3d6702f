import assert from "node:assert/strict";
import { type ImageLoadOptions, loadImage } from "./load_image.ts";
import type { ImageResult } from "../types.ts";
import type { Timers } from "./_fetch_url.ts";
import type { ImageSpec } from "./bundle_manifest.ts";
import { makePng } from "./_test_images.ts";

const SPEC: ImageSpec = {
  width: 1,
  height: 1,
  layout: "NCHW",
  mean: [0, 0, 0],
  std: [1, 1, 1],
  resize: "area",
  background: [255, 255, 255],
};
const PNG = makePng(1, 1, 2, [255, 0, 51]);
const PNG_BASE64 = btoa(String.fromCharCode(...PNG));

function reasonOf(result: ImageResult): string {
  return result.kind === "ok" ? "ok" : result.reason;
}

/** Timers that fire only when the test says so. */
function manualTimers() {
  const started: { ms: number; callback: () => void; live: boolean }[] = [];
  const timers: Timers = {
    start(callback, ms) {
      const entry = { ms, callback, live: true };
      started.push(entry);
      return () => void (entry.live = false);
    },
  };
  const fire = (ms: number) => {
    for (const entry of started) {
      if (entry.live && entry.ms === ms) entry.callback();
    }
  };
  const live = () => started.filter((e) => e.live).length;
  return { timers, fire, live };
}

Deno.test("loadImage() reads base64, with limits and validation", async () => {
  const ok = await loadImage({ base64: PNG_BASE64 }, SPEC);
  assert.equal(reasonOf(ok), "ok");
  assert.deepEqual(ok.kind === "ok" && [...ok.tensor.data], [
    1,
    0,
    Math.fround(0.2),
  ]);
  const dataUrl = await loadImage({
    base64: `data:image/png;base64,${PNG_BASE64}`,
  }, SPEC);
  assert.equal(reasonOf(dataUrl), "ok");
  assert.equal(
    reasonOf(await loadImage({ base64: "not base64!" }, SPEC)),
    "bad_base64",
  );
  assert.equal(reasonOf(await loadImage({ base64: "" }, SPEC)), "bad_base64");
  assert.equal(
    reasonOf(await loadImage({ base64: PNG_BASE64 }, SPEC, { maxBytes: 20 })),
    "too_large",
  );
  const huge = "A".repeat(4_000_000);
  assert.equal(
    reasonOf(await loadImage({ base64: huge }, SPEC, { maxBytes: 1000 })),
    "too_large",
  );
  assert.equal(
    reasonOf(await loadImage({ base64: btoa("hello") }, SPEC)),
    "unsupported_format",
  );
});

Deno.test("loadImage() rejects malformed references and options", async () => {
  await assert.rejects(
    () => loadImage({} as { path: string }, SPEC),
    TypeError,
  );
  await assert.rejects(
    () => loadImage({ path: "a", url: "b" } as { path: string }, SPEC),
    TypeError,
  );
  await assert.rejects(
    () => loadImage({ path: 5 } as unknown as { path: string }, SPEC),
    TypeError,
  );
  await assert.rejects(
    () => loadImage({ base64: PNG_BASE64 }, SPEC, { maxBytes: -1 }),
    RangeError,
  );
});

Deno.test("loadImage() reads files inside baseDir only", async () => {
  const dir = await Deno.makeTempDir();
  const outside = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/img`);
    await Deno.writeFile(`${dir}/img/a.png`, PNG);
    await Deno.writeFile(`${outside}/secret.png`, PNG);
    await Deno.symlink(`${outside}/secret.png`, `${dir}/link.png`);
    const options: ImageLoadOptions = { baseDir: dir };
    assert.equal(
      reasonOf(await loadImage({ path: "img/a.png" }, SPEC, options)),
      "ok",
    );
    assert.equal(
      reasonOf(await loadImage({ path: `${dir}/img/a.png` }, SPEC, options)),
      "ok",
    );
    assert.equal(
      reasonOf(await loadImage({ path: "img/none.png" }, SPEC, options)),
      "not_found",
    );
    assert.equal(
      reasonOf(await loadImage({ path: "img" }, SPEC, options)),
      "fetch_failed",
    );
    assert.equal(
      reasonOf(
        await loadImage(
          { path: `../${outside.split("/").pop()}/secret.png` },
          SPEC,
          options,
        ),
      ),
      "blocked_address",
    );
    assert.equal(
      reasonOf(
        await loadImage({ path: `${outside}/secret.png` }, SPEC, options),
      ),
      "blocked_address",
    );
    assert.equal(
      reasonOf(await loadImage({ path: "link.png" }, SPEC, options)),
      "blocked_address",
    );
    assert.equal(
      reasonOf(
        await loadImage({ path: "img/a.png" }, SPEC, {
          ...options,
          maxBytes: 10,
        }),
      ),
      "too_large",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("loadImage() blocks non-public addresses before connecting", async () => {
  const noDns = () => Promise.reject(new Error("DNS must not be asked"));
  const blocked = [
    "http://127.0.0.1:9/x.png",
    "http://localhost:9/x.png",
    "http://[::1]:9/x.png",
    "http://10.0.0.1/x.png",
    "http://169.254.169.254/latest/meta-data",
    "http://2130706433/x.png", // 127.0.0.1 as one number
    "http://[::ffff:192.168.0.1]/x.png",
    "file:///etc/passwd",
    "ftp://example.com/x.png",
  ];
  for (const url of blocked) {
    const result = await loadImage({ url }, SPEC, { resolveHost: noDns });
    assert.equal(reasonOf(result), "blocked_address", url);
  }
  const resolveToPrivate = () =>
    Promise.resolve(["93.184.216.34", "192.168.1.5"]);
  const named = await loadImage({ url: "http://images.example/x.png" }, SPEC, {
    resolveHost: resolveToPrivate,
  });
  assert.equal(reasonOf(named), "blocked_address");
  assert.match(named.kind === "skipped" ? named.detail : "", /192\.168\.1\.5/);
  const unresolvable = await loadImage(
    { url: "http://nowhere.invalid/x.png" },
    SPEC,
    { resolveHost: noDns },
  );
  assert.equal(reasonOf(unresolvable), "fetch_failed");
  assert.equal(
    reasonOf(await loadImage({ url: "not a url" }, SPEC)),
    "fetch_failed",
  );
});

Deno.test("loadImage() fetches URLs with size, redirect and time limits", async (t) => {
  let releaseHang = () => {};
  const hangReleased = new Promise<void>((resolve) => releaseHang = resolve);
  let onHang = () => {};
  let port = 0;
  const handler = async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    if (path === "/ok.png") return new Response(PNG);
    if (path === "/missing") return new Response("no", { status: 404 });
    if (path === "/error") return new Response("no", { status: 500 });
    if (path === "/big") return new Response(new Uint8Array(5000));
    if (path === "/stream") {
      return new Response(
        ReadableStream.from([new Uint8Array(600), new Uint8Array(600)]),
      );
    }
    if (path === "/loop") {
      return Response.redirect(`http://127.0.0.1:${port}/loop`, 302);
    }
    if (path.startsWith("/chain/")) {
      const n = Number(path.slice(7));
      return Response.redirect(`http://127.0.0.1:${port}/chain/${n + 1}`, 301);
    }
    if (path === "/to-ok") {
      return Response.redirect(`http://127.0.0.1:${port}/ok.png`, 302);
    }
    if (path === "/to-private") {
      return Response.redirect(`http://127.0.0.2:${port}/ok.png`, 302);
    }
    if (path === "/endless") {
      const chunk = new Uint8Array(65536);
      return new Response(
        new ReadableStream({ pull: (c) => c.enqueue(chunk) }),
      );
    }
    if (path === "/trickle") {
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(PNG.subarray(0, 10));
          onHang();
          await hangReleased;
          controller.close();
        },
      });
      return new Response(body);
    }
    if (path === "/hang") {
      onHang();
      await hangReleased;
      return new Response(PNG);
    }
    return new Response("?", { status: 400 });
  };
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    handler,
  );
  port = server.addr.port;
  const base = `http://127.0.0.1:${server.addr.port}`;
  const options: ImageLoadOptions = {
    allowAddresses: ["127.0.0.1"],
    maxBytes: 1000,
  };
  const load = (path: string, extra: ImageLoadOptions = {}) =>
    loadImage({ url: base + path }, SPEC, { ...options, ...extra });
  try {
    await t.step("ok, 404, 500", async () => {
      assert.equal(reasonOf(await load("/ok.png")), "ok");
      assert.equal(reasonOf(await load("/missing")), "not_found");
      assert.equal(reasonOf(await load("/error")), "fetch_failed");
    });
    await t.step("loopback is blocked unless allowed", async () => {
      assert.equal(
        reasonOf(await loadImage({ url: base + "/ok.png" }, SPEC)),
        "blocked_address",
      );
      assert.equal(
        reasonOf(
          await loadImage({ url: base + "/ok.png" }, SPEC, {
            allowPrivateNetwork: true,
          }),
        ),
        "ok",
      );
    });
    await t.step("bodies over maxBytes, declared or streamed", async () => {
      assert.equal(reasonOf(await load("/big")), "too_large");
      assert.equal(reasonOf(await load("/stream")), "too_large");
      assert.equal(
        reasonOf(await load("/stream", { maxBytes: 1200 })),
        "unsupported_format",
      );
    });
    await t.step(
      "redirects: followed, loops, chains, re-checked targets",
      async () => {
        assert.equal(reasonOf(await load("/to-ok")), "ok");
        assert.equal(reasonOf(await load("/loop")), "redirect_loop");
        assert.equal(reasonOf(await load("/chain/0")), "redirect_loop");
        assert.equal(
          reasonOf(await load("/chain/0", { maxRedirects: 20 })),
          "redirect_loop",
        );
        assert.equal(reasonOf(await load("/to-private")), "blocked_address");
      },
    );
    await t.step("a server that never answers times out", async () => {
      const clock = manualTimers();
      const hung = new Promise<void>((resolve) => onHang = resolve);
      const pending = load("/hang", {
        timers: clock.timers,
        connectTimeoutMs: 1234,
      });
      await hung;
      clock.fire(1234);
      const result = await pending;
      assert.equal(reasonOf(result), "timeout");
      assert.equal(clock.live(), 0, "every timer is cancelled");
    });
    await t.step("an endless body stops at maxBytes", async () => {
      assert.equal(reasonOf(await load("/endless")), "too_large");
    });
    await t.step(
      "a body that trickles past the total time limit times out",
      async () => {
        const clock = manualTimers();
        const started = new Promise<void>((resolve) => onHang = resolve);
        const pending = load("/trickle", {
          timers: clock.timers,
          timeoutMs: 5678,
        });
        await started;
        clock.fire(5678);
        assert.equal(reasonOf(await pending), "timeout");
        assert.equal(clock.live(), 0);
      },
    );
    await t.step("abort rejects with the signal's reason", async () => {
      const controller = new AbortController();
      const hung = new Promise<void>((resolve) => onHang = resolve);
      const pending = load("/hang", { signal: controller.signal });
      await hung;
      controller.abort(new Error("shutting down"));
      await assert.rejects(pending, /shutting down/);
      await assert.rejects(
        load("/ok.png", { signal: controller.signal }),
        /shutting down/,
      );
    });
  } finally {
    releaseHang();
    await server.shutdown();
  }
});
