/**
 * A bounded FIFO between a push-based producer (kafkajs) and a pull-based consumer (the
 * pipeline's iterator). `push` waits for space, so a slow consumer slows the producer
 * instead of growing memory; while it waits it calls `onTick` periodically (kafkajs
 * heartbeats) so the consumer group does not evict us.
 * @module
 */

/** Options of {@linkcode BoundedQueue.push}. */
export interface PushOptions {
  /** Called every `tickMs` while waiting for space; a throw aborts the push. */
  readonly onTick?: () => Promise<void>;
  readonly tickMs?: number;
}

/** Bounded FIFO queue; `close()` ends both sides. */
export class BoundedQueue<T> {
  readonly capacity: number;
  #items: T[] = [];
  #closed = false;
  #spaceWaiters: (() => void)[] = [];
  #itemWaiters: (() => void)[] = [];

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `Cannot create queue: capacity must be an integer >= 1, got ${capacity}`,
      );
    }
    this.capacity = capacity;
  }

  /** Items waiting to be taken. */
  get size(): number {
    return this.#items.length;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Adds `item` once there is space; false if the queue was closed first. */
  async push(item: T, options: PushOptions = {}): Promise<boolean> {
    while (!this.#closed && this.#items.length >= this.capacity) {
      const tick = await this.#wait(this.#spaceWaiters, options.tickMs);
      if (tick && options.onTick) await options.onTick();
    }
    if (this.#closed) return false;
    this.#items.push(item);
    wakeAll(this.#itemWaiters);
    return true;
  }

  /** The oldest item, waiting for one; undefined once closed and empty. */
  async take(): Promise<T | undefined> {
    while (this.#items.length === 0 && !this.#closed) {
      await this.#wait(this.#itemWaiters);
    }
    const item = this.#items.shift();
    if (item !== undefined) wakeAll(this.#spaceWaiters);
    return item;
  }

  /** Removes every item matching `drop`; returns how many went. */
  purge(drop: (item: T) => boolean): number {
    const before = this.#items.length;
    this.#items = this.#items.filter((item) => !drop(item));
    const removed = before - this.#items.length;
    if (removed > 0) wakeAll(this.#spaceWaiters);
    return removed;
  }

  /** Ends the queue: pending pushes return false, takes drain then get undefined. */
  close(): void {
    this.#closed = true;
    wakeAll(this.#spaceWaiters);
    wakeAll(this.#itemWaiters);
  }

  /** Waits for a wake-up; resolves true when `tickMs` passed first. */
  #wait(waiters: (() => void)[], tickMs?: number): Promise<boolean> {
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const wake = () => {
        clearTimeout(timer);
        resolve(false);
      };
      waiters.push(wake);
      if (tickMs !== undefined) {
        timer = setTimeout(() => {
          const i = waiters.indexOf(wake);
          if (i >= 0) waiters.splice(i, 1);
          resolve(true);
        }, tickMs);
      }
    });
  }
}

function wakeAll(waiters: (() => void)[]): void {
  for (const wake of waiters.splice(0)) wake();
}
