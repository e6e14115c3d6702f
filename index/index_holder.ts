/**
 * The single live index reference, swapped without failing or blocking a query.
 * @module
 */

import { IndexError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { ProductRecord, SearchHit } from "../types.ts";
import type {
  LexicalHit,
  LexicalSearchOptions,
  SearchOptions,
  VectorIndex,
} from "./vector_index.ts";

/** A counted hold on one index; release it with `using` or `[Symbol.dispose]()`. */
export interface IndexLease extends Disposable {
  /** The leased index; usable until the lease is released. */
  readonly index: VectorIndex;
}

/** Options of {@linkcode IndexHolder}. */
export interface IndexHolderOptions {
  /** The index served first; `null` until one is loaded. @default null */
  readonly initial?: VectorIndex | null;
  /** Receives `index_swapped` and `index_retired` lines. */
  readonly log?: Logger;
}

/**
 * Holds the live index. A request reads it once, through {@linkcode acquire} when it
 * keeps the index across an `await`; {@linkcode swap} installs a new index at once and
 * {@linkcode retire} disposes the old one only after its last lease is released.
 */
export class IndexHolder implements Disposable {
  #current: VectorIndex | null;
  #leases = new Map<VectorIndex, number>();
  #retiring = new Map<VectorIndex, () => void>();
  #log: Logger | undefined;

  /** A holder serving `options.initial` (or nothing yet). */
  constructor(options: IndexHolderOptions = {}) {
    this.#current = options.initial ?? null;
    this.#log = options.log;
  }

  /** The live index, or null before the first one is installed. */
  get current(): VectorIndex | null {
    return this.#current;
  }

  /** True once an index is installed. */
  get ready(): boolean {
    return this.#current !== null;
  }

  /** Leases currently held on `index` (for tests and stats). */
  leases(index: VectorIndex): number {
    return this.#leases.get(index) ?? 0;
  }

  /**
   * Takes a lease on the live index; the index stays usable until the lease is released,
   * even if it is swapped out meanwhile.
   * @throws {IndexError} (retryable) when no index is installed yet
   */
  acquire(): IndexLease {
    const index = this.#current;
    if (index === null) {
      throw new IndexError("Cannot use index: none is loaded yet", {
        retryable: true,
      });
    }
    this.#leases.set(index, (this.#leases.get(index) ?? 0) + 1);
    let released = false;
    return {
      index,
      [Symbol.dispose]: () => {
        if (released) return;
        released = true;
        this.#release(index);
      },
    };
  }

  /** Installs `next` as the live index and returns the previous one (not disposed). */
  swap(next: VectorIndex): VectorIndex | null {
    if (next === this.#current) return null;
    if (this.#retiring.has(next)) {
      throw new IndexError("Cannot swap in an index that is being retired");
    }
    const previous = this.#current;
    this.#current = next;
    this.#log?.info("index_swapped", {
      size: next.size,
      modelVersion: next.modelVersion,
      previousSize: previous?.size ?? null,
    });
    return previous;
  }

  /**
   * Disposes a swapped-out index once no lease holds it; resolves when disposed.
   * @throws {IndexError} when `index` is still the live one
   */
  retire(index: VectorIndex): Promise<void> {
    if (index === this.#current) {
      return Promise.reject(new IndexError("Cannot retire the live index"));
    }
    if (this.leases(index) === 0) {
      this.#dispose(index);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const before = this.#retiring.get(index);
      this.#retiring.set(index, () => {
        before?.();
        resolve();
      });
    });
  }

  /** {@linkcode swap} then {@linkcode retire} of the previous index. */
  async replace(next: VectorIndex): Promise<void> {
    const previous = this.swap(next);
    if (previous !== null) await this.retire(previous);
  }

  /** Name and size of the live index, for `/search` and `/stats`. */
  info(): { version: string; size: number } {
    const index = this.#current;
    return { version: index?.modelVersion ?? "", size: index?.size ?? 0 };
  }

  /** Searches the live index (one read of the reference). */
  search(vector: Float32Array, options: SearchOptions): SearchHit[] {
    using lease = this.acquire();
    return lease.index.search(vector, options);
  }

  /** Lexical (BM25) search of the live index (one read of the reference). */
  searchLexical(text: string, options: LexicalSearchOptions): LexicalHit[] {
    using lease = this.acquire();
    return lease.index.searchLexical(text, options);
  }

  /** Looks a product up in the live index. */
  get(id: string): ProductRecord | undefined {
    return this.#current?.get(id);
  }

  /** Disposes the live index; retiring ones go when their leases are released. */
  [Symbol.dispose](): void {
    const index = this.#current;
    this.#current = null;
    if (index === null) return;
    if (this.leases(index) === 0) this.#dispose(index);
    else if (!this.#retiring.has(index)) this.#retiring.set(index, () => {});
  }

  #release(index: VectorIndex): void {
    const n = (this.#leases.get(index) ?? 0) - 1;
    if (n > 0) {
      this.#leases.set(index, n);
      return;
    }
    this.#leases.delete(index);
    const done = this.#retiring.get(index);
    if (done === undefined) return;
    this.#retiring.delete(index);
    this.#dispose(index);
    done();
  }

  #dispose(index: VectorIndex): void {
    index[Symbol.dispose]();
    this.#log?.info("index_retired", {
      size: index.size,
      modelVersion: index.modelVersion,
    });
  }
}
