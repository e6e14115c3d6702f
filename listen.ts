/**
 * Serving HTTP on a host and port until stopped: the ingest service, the read replica,
 * the fan-out router and the search bench all listen the same way.
 * @module
 */

/** A running HTTP server. */
export interface Listener extends AsyncDisposable {
  /** The bound address (the real port when 0 was asked for). */
  readonly addr: Deno.NetAddr;
  /** `http://host:port`, an IPv6 host in brackets. */
  readonly url: string;
  /** Closes the listener and every open connection; resolves once the server has finished. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Serves `handler` on `hostname:port` (port 0 picks a free one), printing nothing.
 * @throws {Deno.errors.AddrInUse} when the port is taken (other bind errors as Deno.serve throws them)
 */
export function listen(
  handler: Deno.ServeHandler,
  options: { readonly hostname: string; readonly port: number },
): Listener {
  const abort = new AbortController();
  const server = Deno.serve({
    hostname: options.hostname,
    port: options.port,
    signal: abort.signal,
    onListen: () => {},
  }, handler);
  const addr = server.addr;
  const host = addr.hostname.includes(":")
    ? `[${addr.hostname}]`
    : addr.hostname;
  const stop = async () => {
    abort.abort();
    await server.finished;
  };
  return {
    addr,
    url: `http://${host}:${addr.port}`,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
