/**
 * Exact search over every live vector: the reference for recall and a fake for tests.
 * @module
 */

import type { AttrFilter } from "../types.ts";
import { BaseIndex } from "./_base_index.ts";
import { resolveOptions } from "./_options.ts";
import { scanAll, scanFiltered } from "./_scan.ts";
import type {
  IndexOptions,
  ResolvedIndexOptions,
  VectorIndex,
} from "./vector_index.ts";

/** Exact cosine search over a dense slab of normalised vectors. */
export class BruteForceIndex extends BaseIndex {
  private constructor(options: ResolvedIndexOptions) {
    super(options);
  }

  /** Creates an empty index with resolved options. */
  static fromResolved(options: ResolvedIndexOptions): BruteForceIndex {
    return new BruteForceIndex({ ...options, kind: "brute-force" });
  }

  protected addRows(): void {
    // The row store is the whole index: nothing to mirror.
  }

  protected removeRow(): void {
    // Stale rows are skipped by the scan.
  }

  protected searchInto(
    query: Float32Array,
    offset: number,
    _k: number,
    filters: readonly AttrFilter[],
  ): void {
    if (filters.length === 0) scanAll(this.store, query, offset, this.top);
    else scanFiltered(this.store, query, offset, filters, this.top);
  }

  protected nativeStats() {
    return { capacity: this.store.capacity, tombstones: 0, memoryBytes: 0 };
  }

  protected disposeNative(): void {
    // Nothing native to release; the slab goes with the object.
  }
}

/**
 * Creates an exact (brute-force) index.
 * @throws {RangeError} listing every invalid option
 */
export function createBruteForceIndex(options: IndexOptions): VectorIndex {
  return BruteForceIndex.fromResolved(resolveOptions("brute-force", options));
}
