/**
 * Waits for a promise or an abort signal, whichever comes first, without leaking.
 * `Promise.race([p, aborted])` with one long-lived `aborted` promise adds a reaction to it
 * on every call, and each reaction keeps that call's result alive until the signal fires:
 * in a loop over a stream (one call per Kafka message) that held every message's bytes
 * for the life of the process (issue 13's memory soak). Here each call listens with its
 * own listener and removes it when it settles.
 * @module
 */

/** What {@linkcode untilAborted} returns when the signal aborted first. */
export const ABORTED: unique symbol = Symbol("aborted");

/** `promise`'s value, or {@linkcode ABORTED} once `signal` aborts (at once if it has). */
export async function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal,
): Promise<T | typeof ABORTED> {
  if (signal.aborted) return ABORTED;
  const stop = Promise.withResolvers<typeof ABORTED>();
  const onAbort = () => stop.resolve(ABORTED);
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    return await Promise.race([promise, stop.promise]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}
