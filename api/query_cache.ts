/**
 * A bounded least-recently-used cache of encoded queries. Popular queries skip the
 * query tower; keys include the model version, so a model swap never serves a vector
 * from the old model.
 * @module
 */

import type { QueryEmbedding } from "../encode/mod.ts";

/** Holds at most `capacity` encoded queries; evicts the least recently used. */
export class QueryCache {
  readonly #capacity: number;
  readonly #entries = new Map<string, QueryEmbedding>();

  /** @throws {RangeError} when `capacity` is not a non-negative integer */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(
        `Cannot create query cache: capacity must be a non-negative integer, got ${capacity}`,
      );
    }
    this.#capacity = capacity;
  }

  /** Number of cached queries. */
  get size(): number {
    return this.#entries.size;
  }

  /** The cached encoding of `query` under `model`, refreshed as most recent. */
  get(model: string, query: string): QueryEmbedding | undefined {
    const key = cacheKey(model, query);
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
    }
    return hit;
  }

  /** Stores an encoding; no-op when the capacity is 0. */
  set(model: string, query: string, value: QueryEmbedding): void {
    if (this.#capacity === 0) return;
    const key = cacheKey(model, query);
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }
}

function cacheKey(model: string, query: string): string {
  // the length prefix makes the key unambiguous whatever the two strings hold
  return `${model.length}:${model}${query}`;
}
