/** A push-driven async iterable for tests: items are delivered only when pushed. */
export class Channel<T> implements AsyncIterable<T> {
  #items: T[] = [];
  #waiters: Array<(r: IteratorResult<T>) => void> = [];
  #closed = false;
  pulls = 0;

  push(...items: T[]): void {
    for (const item of items) {
      const w = this.#waiters.shift();
      if (w) w({ value: item, done: false });
      else this.#items.push(item);
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    this.#closed = true;
    for (const w of this.#waiters.splice(0)) {
      w({ value: undefined, done: true });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        this.pulls++;
        const item = this.#items.shift();
        if (item !== undefined) {
          return Promise.resolve({ value: item, done: false });
        }
        if (this.#closed) {
          return Promise.resolve({ value: undefined, done: true });
        }
        return new Promise((resolve) => this.#waiters.push(resolve));
      },
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

/** Lets queued promise callbacks run. */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
