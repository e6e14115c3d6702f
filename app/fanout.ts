/**
 * Query fan-out over shards (ingest processes of one consumer group, each holding the
 * products of its partitions): `GET /search` goes to every shard with the same query,
 * `k` and filters; hits are merged by score (one model, so cosine scores compare) and
 * the best `k` returned, a product found twice (during a rebalance) once. `GET
 * /products/:id` answers from the first shard that has it; `/readyz` is 200 when every
 * shard is ready. A shard that fails or times out makes the answer 503, never a
 * silently partial result.
 * @module
 */
import { listen } from "../listen.ts";
import type { Logger } from "../log.ts";
import { FANOUT_DEFAULTS } from "./flags.ts";

/** Options of {@linkcode startFanout}. */
export interface FanoutOptions {
  /** Base URLs of the shards, e.g. `http://10.0.0.5:8080`. */
  readonly shards: readonly string[];
  /** Listen address. @default `--host` of FANOUT_FLAGS (app/flags.ts) */
  readonly host?: string;
  /** 0 picks a free port. @default `--port` of FANOUT_FLAGS (app/flags.ts) */
  readonly port?: number;
  /** Time allowed for each shard's answer, ms. @default `--timeout-ms` of FANOUT_FLAGS (app/flags.ts) */
  readonly timeoutMs?: number;
  /** Receives `fanout_shard_failed`. */
  readonly log: Logger;
}

/** A running fan-out router. */
export interface Fanout extends AsyncDisposable {
  /** Base URL of the router. */
  readonly url: string;
  /** Stops listening. */
  stop(): Promise<void>;
}

interface Hit {
  readonly id: string;
  readonly score: number;
}

interface ShardAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** Starts the router. @throws {RangeError} without shards */
export function startFanout(options: FanoutOptions): Promise<Fanout> {
  if (options.shards.length === 0) {
    return Promise.reject(new RangeError("Cannot fan out: no shards given"));
  }
  const ask = (path: string) => askAll(options, path);
  const server = listen((req) => {
    const url = new URL(req.url);
    return /^\/products\/[^/]+\/image$/.test(url.pathname)
      ? image(options, url.pathname)
      : route(url, ask);
  }, {
    hostname: options.host ?? FANOUT_DEFAULTS.host,
    port: options.port ?? FANOUT_DEFAULTS.port,
  });
  return Promise.resolve({
    url: server.url,
    stop: server.stop,
    [Symbol.asyncDispose]: server.stop,
  });
}

async function route(
  url: URL,
  ask: (path: string) => Promise<ShardAnswer[]>,
): Promise<Response> {
  const path = url.pathname + url.search;
  if (url.pathname === "/search") {
    const answers = await ask(path);
    const failed = answers.find((a) => a.status !== 200);
    if (failed) return Response.json(failed.body, { status: failed.status });
    return Response.json(merge(answers, url.searchParams.get("k")));
  }
  if (url.pathname === "/readyz") {
    const answers = await ask(path);
    const ready = answers.every((a) => a.status === 200);
    return Response.json({ ready, shards: answers.map((a) => a.status) }, {
      status: ready ? 200 : 503,
    });
  }
  if (url.pathname.startsWith("/products/")) {
    const answers = await ask(path);
    const found = answers.find((a) => a.status === 200) ??
      answers.find((a) => a.status !== 404) ?? answers[0];
    return Response.json(found?.body ?? null, { status: found?.status ?? 404 });
  }
  return Response.json(
    {
      error: {
        code: "not_found",
        message:
          "Fan-out serves /search, /products/:id, /products/:id/image and /readyz",
      },
    },
    { status: 404 },
  );
}

/** A product's thumbnail from the shard that holds the product (hits link to it). */
async function image(options: FanoutOptions, path: string): Promise<Response> {
  const answers = await Promise.all(options.shards.map(async (base) => {
    const deadline = AbortSignal.timeout(
      options.timeoutMs ?? FANOUT_DEFAULTS["timeout-ms"],
    );
    try {
      const res = await fetch(`${base.replace(/\/+$/, "")}${path}`, {
        signal: deadline,
      });
      return { res, bytes: await res.arrayBuffer() };
    } catch (err) {
      options.log.warn("fanout_shard_failed", {
        shard: base,
        path,
        error: err,
      });
      return null;
    }
  }));
  const found = answers.find((a) => a?.res.status === 200);
  if (found) {
    const headers = new Headers();
    for (const name of ["content-type", "etag", "cache-control"]) {
      const value = found.res.headers.get(name);
      if (value !== null) headers.set(name, value);
    }
    return new Response(found.bytes, { headers });
  }
  const other = answers.find((a) => a !== null && a.res.status !== 404) ??
    answers.find((a) => a !== null);
  if (!other) {
    return Response.json({
      error: { code: "shard_unavailable", message: "No shard answered" },
    }, { status: 503 });
  }
  return new Response(other.bytes, {
    status: other.res.status,
    headers: { "content-type": "application/json" },
  });
}

/** The best `k` hits of all shards, each product once. */
function merge(answers: ShardAnswer[], kParam: string | null) {
  const best = new Map<string, Hit>();
  for (const a of answers) {
    for (const hit of (a.body.hits ?? []) as Hit[]) {
      const prev = best.get(hit.id);
      if (!prev || hit.score > prev.score) best.set(hit.id, hit);
    }
  }
  const k = Number(kParam ?? "10");
  const hits = [...best.values()].sort((x, y) => y.score - x.score)
    .slice(0, Number.isInteger(k) && k > 0 ? k : 10);
  const sizes = answers.map((a) =>
    (a.body.index as { size?: number })?.size ?? 0
  );
  return {
    hits,
    shards: answers.length,
    index: { size: sizes.reduce((s, n) => s + n, 0) },
  };
}

async function askAll(
  options: FanoutOptions,
  path: string,
): Promise<ShardAnswer[]> {
  return await Promise.all(options.shards.map(async (base) => {
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(),
      options.timeoutMs ?? FANOUT_DEFAULTS["timeout-ms"],
    );
    try {
      const res = await fetch(`${base.replace(/\/+$/, "")}${path}`, {
        signal: deadline.signal,
      });
      return { status: res.status, body: await res.json() };
    } catch (err) {
      options.log.warn("fanout_shard_failed", {
        shard: base,
        path,
        error: err,
      });
      return {
        status: 503,
        body: {
          error: {
            code: "shard_unavailable",
            message: `Shard ${base} did not answer`,
          },
        },
      };
    } finally {
      clearTimeout(timer);
    }
  }));
}
