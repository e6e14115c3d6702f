/**
 * Bounded HTTP(S) fetch of image bytes: size limit, connect and total timeouts,
 * manual redirects (each target re-checked), and an SSRF guard that resolves the
 * host and refuses non-public addresses unless allowed.
 * @module
 */

import { readBounded } from "../read_bounded.ts";
import { blockedRange, isIpLiteral } from "./_address.ts";
import type { ImageSkipReason } from "./decode_image.ts";

/** Timer functions, injectable so tests can fire timeouts without waiting. */
export interface Timers {
  /** Calls `callback` after `ms`; the returned function cancels it. */
  start(callback: () => void, ms: number): () => void;
}

/** Resolves a host name to IP addresses (A and AAAA). */
export type ResolveHost = (
  hostname: string,
  options: { signal: AbortSignal },
) => Promise<string[]>;

/** Everything the fetcher needs, defaults already applied. */
export interface FetchLimits {
  readonly maxBytes: number;
  readonly connectTimeoutMs: number;
  readonly timeoutMs: number;
  readonly maxRedirects: number;
  readonly allowPrivateNetwork: boolean;
  readonly allowAddresses: readonly string[];
  readonly resolveHost: ResolveHost;
  readonly timers: Timers;
  readonly signal?: AbortSignal;
}

/** Bytes, or why there are none. */
export type BytesResult =
  | { readonly kind: "ok"; readonly bytes: Uint8Array }
  | {
    readonly kind: "skipped";
    readonly reason: ImageSkipReason;
    readonly detail: string;
  };

const skip = (reason: ImageSkipReason, detail: string): BytesResult => ({
  kind: "skipped",
  reason,
  detail,
});

/** Resolves with Deno.resolveDns (A and AAAA); rejects when neither answers. */
export const resolveWithDns: ResolveHost = async (hostname, { signal }) => {
  const answers = await Promise.allSettled([
    Deno.resolveDns(hostname, "A", { signal }),
    Deno.resolveDns(hostname, "AAAA", { signal }),
  ]);
  const addresses = answers.flatMap((a) =>
    a.status === "fulfilled" ? a.value : []
  );
  const failed = answers.find((a) => a.status === "rejected");
  if (addresses.length === 0 && failed !== undefined) throw failed.reason;
  return addresses;
};

/** Marks an abort caused by one of our own timers. */
class Timeout {
  constructor(readonly detail: string) {}
}

/** Fetches `url` under `limits`. Throws only when `limits.signal` aborts. */
export async function fetchImageBytes(
  url: string,
  limits: FetchLimits,
): Promise<BytesResult> {
  limits.signal?.throwIfAborted();
  const controller = new AbortController();
  const onAbort = () => controller.abort(limits.signal?.reason);
  limits.signal?.addEventListener("abort", onAbort, { once: true });
  const cancelTotal = limits.timers.start(
    () =>
      controller.abort(
        new Timeout(`no complete response within ${limits.timeoutMs} ms`),
      ),
    limits.timeoutMs,
  );
  try {
    return await followRedirects(url, limits, controller);
  } catch (err: unknown) {
    limits.signal?.throwIfAborted();
    const reason = controller.signal.reason;
    if (reason instanceof Timeout) return skip("timeout", reason.detail);
    return skip(
      "fetch_failed",
      err instanceof Error ? err.message : String(err),
    );
  } finally {
    cancelTotal();
    limits.signal?.removeEventListener("abort", onAbort);
  }
}

async function followRedirects(
  url: string,
  limits: FetchLimits,
  controller: AbortController,
): Promise<BytesResult> {
  const seen = new Set<string>();
  let current = url;
  for (let hop = 0;; hop++) {
    const target = URL.parse(current);
    if (target === null) {
      return skip("fetch_failed", `invalid URL "${current}"`);
    }
    if (target.protocol !== "http:" && target.protocol !== "https:") {
      return skip(
        "blocked_address",
        `scheme "${target.protocol}" is not http(s)`,
      );
    }
    seen.add(target.href);
    const blocked = await checkHost(target.hostname, limits, controller.signal);
    if (blocked !== undefined) return blocked;
    const response = await fetchHeaders(target, limits, controller);
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location !== null) {
      await response.body?.cancel();
      current = new URL(location, target).href;
      if (seen.has(current)) {
        return skip("redirect_loop", `"${current}" redirects back to itself`);
      }
      if (hop >= limits.maxRedirects) {
        return skip(
          "redirect_loop",
          `more than ${limits.maxRedirects} redirects`,
        );
      }
      continue;
    }
    return await readResponse(response, limits.maxBytes);
  }
}

/** Fetches headers only; the connect timer covers connection and response headers. */
async function fetchHeaders(
  target: URL,
  limits: FetchLimits,
  controller: AbortController,
): Promise<Response> {
  const cancelConnect = limits.timers.start(
    () =>
      controller.abort(
        new Timeout(`no response headers within ${limits.connectTimeoutMs} ms`),
      ),
    limits.connectTimeoutMs,
  );
  try {
    return await fetch(target, {
      redirect: "manual",
      signal: controller.signal,
      headers: { accept: "image/jpeg, image/png, image/gif" },
    });
  } finally {
    cancelConnect();
  }
}

/** Returns a skip when the host (or any address it resolves to) is not allowed. */
async function checkHost(
  hostname: string,
  limits: FetchLimits,
  signal: AbortSignal,
): Promise<BytesResult | undefined> {
  const host = hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  if (isIpLiteral(host)) addresses = [host];
  else if (host === "localhost" || host.endsWith(".localhost")) {
    addresses = ["127.0.0.1"];
  } else {
    try {
      addresses = await limits.resolveHost(host, { signal });
    } catch (err: unknown) {
      signal.throwIfAborted();
      const message = err instanceof Error ? err.message : String(err);
      return skip("fetch_failed", `cannot resolve "${host}": ${message}`);
    }
    if (addresses.length === 0) {
      return skip("fetch_failed", `"${host}" has no address`);
    }
  }
  for (const address of addresses) {
    if (limits.allowAddresses.includes(address)) continue;
    const range = blockedRange(address);
    if (range !== undefined && !limits.allowPrivateNetwork) {
      return skip("blocked_address", `"${host}" is ${address} (${range})`);
    }
  }
  return undefined;
}

async function readResponse(
  response: Response,
  maxBytes: number,
): Promise<BytesResult> {
  if (!response.ok) {
    await response.body?.cancel();
    const reason = response.status === 404 || response.status === 410
      ? "not_found"
      : "fetch_failed";
    return skip(reason, `HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    return skip(
      "too_large",
      `content-length ${declared} exceeds ${maxBytes} bytes`,
    );
  }
  if (response.body === null) {
    return skip("fetch_failed", "response has no body");
  }
  const bytes = await readBounded(response.body, maxBytes);
  if (bytes === undefined) {
    return skip("too_large", `body exceeds ${maxBytes} bytes`);
  }
  return { kind: "ok", bytes };
}
