/**
 * Issue 5, hostile input end to end: 40 malformed or hostile events (see
 * tests/_hostile_cases.ts) go through the real service and broker. Each ends where the
 * policy says — the DLQ with its reason, the index from its title alone with the image
 * skip reason, the index with its image, or ignored as stale — the service keeps
 * running and serving, and its memory stays bounded.
 */
import assert from "node:assert/strict";
import {
  allowedCases,
  defaultCases,
  type HostileCase,
  versionCases,
} from "./_hostile_cases.ts";
import {
  newPlace,
  produceRaw,
  readTopic,
  startTestService,
  type TestService,
  waitFor,
} from "./_service.ts";

const JPEG = await Deno.readFile(
  new URL("../samples/images/p000005.jpg", import.meta.url),
);

/** A loopback server with slow, endless, looping and missing images. */
function hostileServer() {
  type Timer = ReturnType<typeof setInterval>;
  const timers = new Set<Timer>();
  const stream = (chunk: Uint8Array, everyMs: number) => {
    let timer: Timer | undefined;
    return new ReadableStream<Uint8Array>({
      start(controller) {
        const t = setInterval(() => controller.enqueue(chunk), everyMs);
        timer = t;
        timers.add(t);
      },
      cancel() {
        if (timer === undefined) return;
        clearInterval(timer);
        timers.delete(timer);
      },
    });
  };
  const abort = new AbortController();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    signal: abort.signal,
    onListen: () => {},
  }, (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/slow") {
      return new Response(stream(new Uint8Array([0xff]), 200), {
        headers: { "content-type": "image/jpeg" },
      });
    }
    if (path === "/endless") {
      return new Response(stream(new Uint8Array(65536).fill(1), 1));
    }
    if (path === "/redirect") {
      return new Response(null, {
        status: 302,
        headers: { location: "/redirect" },
      });
    }
    if (path === "/ok.jpg") return new Response(JPEG);
    return new Response("not here", { status: 404 });
  });
  return {
    base: `http://127.0.0.1:${server.addr.port}`,
    stop: async () => {
      for (const t of timers) clearInterval(t);
      abort.abort();
      await server.finished;
    },
  };
}

/** Where each case ended: DLQ reason, title-only reason, indexed, or stale. */
async function outcomes(
  t: TestService,
  cases: HostileCase[],
  dlqCount: number,
): Promise<Map<HostileCase, string>> {
  const dlq = dlqCount > 0
    ? await readTopic(t.brokers, t.dlqTopic, dlqCount, 20_000)
    : [];
  const byKey = new Map(dlq.map((m) => [m.key, m.headers["dlq-reason"]]));
  const out = new Map<HostileCase, string>();
  for (const c of cases) {
    const key = c.key === undefined ? c.id : c.key;
    const reason = byKey.get(key);
    const record = t.service.holder.current?.get(c.id);
    if (c.expect === "stale") {
      const last = record?.title ?? "";
      out.set(c, record && !last.includes("v3") ? "stale" : `applied: ${last}`);
    } else if (reason !== undefined) out.set(c, `dlq:${reason}`);
    else if (record?.imageSkipped) {
      out.set(c, `title_only:${record.imageSkipped}`);
    } else if (record) out.set(c, "indexed");
    else out.set(c, "missing");
  }
  return out;
}

function total(t: TestService, name: string): number {
  return t.service.metrics.series(name).reduce((a, [, v]) => a + v, 0);
}

/** Events that reached their end: applied (any result) or dead-lettered. */
function finished(t: TestService): number {
  return total(t, "ingest_events_total") + total(t, "ingest_dlq_total");
}

async function run(
  cases: HostileCase[],
  env: Record<string, string>,
): Promise<{ got: Map<HostileCase, string>; rssGrowthMb: number }> {
  const place = await newPlace();
  const t = await startTestService(place, {
    IMAGE_TIMEOUT_MS: "1000",
    IMAGE_MAX_BYTES: "200000",
    ...env,
  });
  try {
    const rss = Deno.memoryUsage().rss;
    await produceRaw(
      t.brokers,
      t.topic,
      cases.map((c) => ({
        key: c.key === undefined ? c.id : c.key,
        value: c.value,
      })),
    );
    await waitFor(
      () => finished(t) === cases.length,
      "every hostile event to be applied or dead-lettered",
    );
    const rssGrowthMb = (Deno.memoryUsage().rss - rss) / 2 ** 20;
    const health = await fetch(`${t.service.url}/healthz`);
    await health.body?.cancel();
    assert.equal(health.status, 200);
    const search = await fetch(`${t.service.url}/search?q=hostile+tee`);
    assert.equal(search.status, 200, "the service still searches");
    await search.body?.cancel();
    const dlqCount = total(t, "ingest_dlq_total");
    return { got: await outcomes(t, cases, dlqCount), rssGrowthMb };
  } finally {
    await t.service.stop();
    await Deno.remove(place.dataDir, { recursive: true });
  }
}

function assertOutcomes(got: Map<HostileCase, string>) {
  const wrong = [...got].filter(([c, where]) => where !== c.expect)
    .map(([c, where]) => `${c.kind}: expected ${c.expect}, got ${where}`);
  assert.deepEqual(wrong, []);
}

Deno.test("hostile events end in the DLQ or title-only per policy (private addresses blocked)", async () => {
  const cases = [
    ...defaultCases(JPEG, "http://127.0.0.1:9/x.jpg"),
    ...versionCases(),
  ];
  const { got, rssGrowthMb } = await run(cases, {});
  assertOutcomes(got);
  assert.ok(rssGrowthMb < 512, `RSS grew ${rssGrowthMb.toFixed(0)} MiB`);
});

Deno.test("hostile image URLs end title-only when loopback is allowed", async () => {
  const server = hostileServer();
  try {
    const { got, rssGrowthMb } = await run(allowedCases(server.base), {
      IMAGE_ALLOW_PRIVATE_NETWORK: "true",
    });
    assertOutcomes(got);
    assert.ok(rssGrowthMb < 512, `RSS grew ${rssGrowthMb.toFixed(0)} MiB`);
  } finally {
    await server.stop();
  }
});
