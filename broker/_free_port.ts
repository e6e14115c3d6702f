/**
 * Free TCP ports on loopback, for brokers started on "port 0".
 * @module
 */

/** A port that was free on 127.0.0.1 a moment ago (the OS picks it). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    return (listener.addr as Deno.NetAddr).port;
  } finally {
    listener.close();
  }
}
