/** Remembers the versions of recent deletes, oldest forgotten first, within a fixed capacity. */
export class TombstoneCache {
  readonly #capacity: number;
  readonly #versions = new Map<string, number>();

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(
        `Cannot create tombstone cache: capacity must be an integer ≥ 0: got ${capacity}`,
      );
    }
    this.#capacity = capacity;
  }

  get(id: string): number | undefined {
    return this.#versions.get(id);
  }

  set(id: string, version: number): void {
    if (this.#capacity === 0) return;
    this.#versions.delete(id);
    this.#versions.set(id, version);
    if (this.#versions.size > this.#capacity) {
      const oldest = this.#versions.keys().next().value;
      if (oldest !== undefined) this.#versions.delete(oldest);
    }
  }

  delete(id: string): void {
    this.#versions.delete(id);
  }

  get size(): number {
    return this.#versions.size;
  }

  /** Forgets every delete (the index they were about is gone). */
  clear(): void {
    this.#versions.clear();
  }

  /** `[id, version]` pairs, oldest first, for a snapshot. */
  entries(): Array<[string, number]> {
    return [...this.#versions];
  }

  /** A cache holding `entries` (from {@linkcode entries}), keeping the newest `capacity`. */
  static from(
    entries: Iterable<readonly [string, number]>,
    capacity: number,
  ): TombstoneCache {
    const cache = new TombstoneCache(capacity);
    for (const [id, version] of entries) cache.set(id, version);
    return cache;
  }
}
