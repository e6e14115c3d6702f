/**
 * Async-iterable building blocks: an ordered, bounded-concurrency map and a batcher that
 * flushes by size or by time. Both pull from their input only as fast as they are pulled.
 * @module
 */
import type { Clock } from "./clock.ts";
import { ABORTED, untilAborted } from "./until_aborted.ts";

const noop = (): void => {};

const TIMEOUT: unique symbol = Symbol("timeout");
type Timeout = typeof TIMEOUT;

/**
 * Applies `fn` to up to `concurrency` items at once and yields results in input order.
 * A finished head result is yielded at once even while the input is idle.
 */
export async function* mapOrdered<T, U>(
  input: AsyncIterable<T>,
  fn: (item: T) => Promise<U>,
  options: { concurrency: number },
): AsyncGenerator<U> {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
    throw new RangeError(
      `Cannot map: concurrency must be an integer ≥ 1: got ${options.concurrency}`,
    );
  }
  const it = input[Symbol.asyncIterator]();
  const running: Promise<U>[] = [];
  let next: Promise<IteratorResult<T>> | undefined;
  let done = false;
  try {
    while (!done || running.length > 0) {
      if (!done && running.length < options.concurrency) next ??= it.next();
      const head = running[0];
      let r: IteratorResult<T> | undefined;
      if (head === undefined) {
        r = await next;
      } else if (next !== undefined) {
        const first = await Promise.race([
          head.then((): Timeout => TIMEOUT),
          next,
        ]);
        if (first !== TIMEOUT) r = first;
      }
      if (r !== undefined) {
        next = undefined;
        if (r.done) done = true;
        else running.push(fn(r.value));
        continue;
      }
      yield await running.shift()!;
    }
  } finally {
    if (!done) await it.return?.();
  }
}

/** Options of {@linkcode batches}. */
export interface BatchOptions {
  /** Items per batch at most. */
  readonly maxSize: number;
  /** Longest the first item of a batch waits before the batch is flushed, in ms. */
  readonly maxWaitMs: number;
  readonly clock: Clock;
}

/** Groups items into arrays, flushing when full or when the oldest item has waited long enough. */
export async function* batches<T>(
  input: AsyncIterable<T>,
  options: BatchOptions,
): AsyncGenerator<T[]> {
  if (!Number.isInteger(options.maxSize) || options.maxSize < 1) {
    throw new RangeError(
      `Cannot batch: maxSize must be an integer ≥ 1: got ${options.maxSize}`,
    );
  }
  const { clock } = options;
  const it = input[Symbol.asyncIterator]();
  let next: Promise<IteratorResult<T>> | undefined;
  let batch: T[] = [];
  // Started with a batch's first item. A timer, not a deadline on clock.now(): a wall
  // clock set back an hour must not hold a partial batch for an hour.
  let timer: { readonly promise: Promise<void>; cancel(): void } | null = null;
  let done = false;
  const flush = (): T[] => {
    timer?.cancel();
    timer = null;
    const full = batch;
    batch = [];
    return full;
  };
  try {
    while (true) {
      next ??= it.next();
      const r: IteratorResult<T> | typeof TIMEOUT = timer === null
        ? await next
        : await Promise.race([
          next,
          timer.promise.then((): Timeout => TIMEOUT),
        ]);
      if (r === TIMEOUT) {
        yield flush();
        continue;
      }
      next = undefined;
      if (r.done) {
        done = true;
        if (batch.length > 0) yield flush();
        return;
      }
      if (batch.length === 0) timer = clock.delay(options.maxWaitMs);
      batch.push(r.value);
      if (batch.length >= options.maxSize) yield flush();
    }
  } finally {
    timer?.cancel();
    if (!done) await it.return?.();
  }
}

/**
 * Pulls up to `size` items ahead of the consumer into a bounded buffer, so the input keeps
 * working (e.g. decoding images) while the consumer awaits something else (e.g. the
 * encoder). Order is kept; an input error is thrown after the items read before it.
 * An early exit waits for a pull already under way, then closes the input.
 */
export async function* readAhead<T>(
  input: AsyncIterable<T>,
  options: { size: number },
): AsyncGenerator<T> {
  const { size } = options;
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(
      `Cannot read ahead: size must be an integer ≥ 1: got ${size}`,
    );
  }
  const it = input[Symbol.asyncIterator]();
  const buffer: T[] = [];
  const state = {
    ended: false,
    exhausted: false,
    stopped: false,
    failure: null as unknown[] | null,
  };
  const wake = { consumer: noop, pump: noop };
  const pump = (async () => {
    try {
      while (!state.stopped) {
        if (buffer.length >= size) {
          await new Promise<void>((r) => (wake.pump = r));
          continue;
        }
        const r = await it.next();
        if (r.done) {
          state.exhausted = true;
          break;
        }
        buffer.push(r.value);
        wake.consumer();
      }
    } catch (err) {
      state.exhausted = true;
      state.failure = [err];
    } finally {
      state.ended = true;
      wake.consumer();
    }
  })();
  try {
    while (true) {
      if (buffer.length > 0) {
        const item = buffer.shift() as T;
        wake.pump();
        yield item;
      } else if (state.ended) {
        if (state.failure) throw state.failure[0];
        return;
      } else {
        await new Promise<void>((r) => (wake.consumer = r));
      }
    }
  } finally {
    state.stopped = true;
    wake.pump();
    await pump;
    if (!state.exhausted) await it.return?.();
  }
}

/**
 * Passes `input` through until `signal` aborts, then ends (without closing `input`, so a
 * source can still commit after the pipeline has drained).
 */
export async function* stoppable<T>(
  input: AsyncIterable<T>,
  signal: AbortSignal,
): AsyncGenerator<T> {
  if (signal.aborted) return;
  const it = input[Symbol.asyncIterator]();
  while (true) {
    const r = await untilAborted(it.next(), signal);
    if (r === ABORTED || r.done) return;
    yield r.value;
  }
}
