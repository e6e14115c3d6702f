/** A clock the pipeline waits on; tests inject a manual one instead of sleeping. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`; `cancel()` clears the timer so nothing leaks. */
  delay(ms: number): { readonly promise: Promise<void>; cancel(): void };
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  delay(ms) {
    let id: ReturnType<typeof setTimeout> | undefined;
    const promise = new Promise<void>((resolve) => {
      id = setTimeout(resolve, Math.max(0, ms));
    });
    return { promise, cancel: () => clearTimeout(id) };
  },
};

/** A clock that only moves when `advance()` is called. */
export class ManualClock implements Clock {
  #now: number;
  #timers = new Set<{ at: number; resolve: () => void }>();

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  delay(ms: number): { promise: Promise<void>; cancel(): void } {
    let timer: { at: number; resolve: () => void } | undefined;
    const promise = new Promise<void>((resolve) => {
      timer = { at: this.#now + Math.max(0, ms), resolve };
      this.#timers.add(timer);
    });
    return { promise, cancel: () => timer && this.#timers.delete(timer) };
  }

  /** Moves time forward and fires every timer due. */
  advance(ms: number): void {
    this.#now += ms;
    for (const t of [...this.#timers]) {
      if (t.at <= this.#now) {
        this.#timers.delete(t);
        t.resolve();
      }
    }
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.#timers.size;
  }
}
