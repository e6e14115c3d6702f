/**
 * Compaction: a fresh index holding only the live products of another, built in chunks
 * that yield to the event loop so queries and upserts continue meanwhile.
 * @module
 */

import { IndexError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { ProductRecord } from "../types.ts";
import { BaseIndex } from "./_base_index.ts";
import { BruteForceIndex } from "./brute_force_index.ts";
import type { IndexHolder } from "./index_holder.ts";
import { UsearchIndex } from "./usearch_index.ts";
import type { UpsertItem, VectorIndex } from "./vector_index.ts";

/** Options of {@linkcode rebuild} and {@linkcode compact}. */
export interface RebuildOptions {
  /** Products inserted between yields to the event loop. @default 5000 */
  readonly chunkSize?: number;
  /** Aborts the rebuild between chunks (the partial index is disposed). */
  readonly signal?: AbortSignal;
  /** How to yield between chunks. @default a zero-delay timer */
  readonly yieldFn?: () => Promise<void>;
  /** Receives `index_compacted`. */
  readonly log?: Logger;
  /**
   * Threads of each chunk's batched insert into the new graph (0: every core); the
   * rebuilt index keeps it as its `bulkThreads`. @default the source's `bulkThreads`
   */
  readonly bulkThreads?: number;
}

/**
 * Builds a fresh index of the same kind and options with only the live products of
 * `source`, then applies the changes `source` received meanwhile. The result is in
 * sync with `source` when the promise settles; swap it in before the next `await`
 * (or use {@linkcode compact}, which swaps inside the same synchronous step).
 * @throws {DOMException} AbortError when `signal` aborts
 */
export async function rebuild(
  source: VectorIndex,
  options: RebuildOptions = {},
): Promise<VectorIndex> {
  if (!(source instanceof BaseIndex)) {
    throw new TypeError(
      "Cannot rebuild: index was not created by index/mod.ts",
    );
  }
  const chunkSize = options.chunkSize ?? 5000;
  const yieldFn = options.yieldFn ??
    (() => new Promise<void>((r) => setTimeout(r, 0)));
  options.signal?.throwIfAborted();
  const bulkThreads = options.bulkThreads ?? source.options.bulkThreads;
  if (!Number.isInteger(bulkThreads) || bulkThreads < 0) {
    throw new RangeError(
      `Cannot rebuild: bulkThreads must be an integer ≥ 0, got ${bulkThreads}`,
    );
  }
  const next: BaseIndex = source instanceof UsearchIndex
    ? UsearchIndex.fromResolved({
      ...source.options,
      bulkThreads,
      initialCapacity: source.size + 1,
    })
    : BruteForceIndex.fromResolved({
      ...source.options,
      initialCapacity: source.size + 1,
    });
  try {
    const store = source.rowStore;
    const rows = [...store.liveRows()];
    const records = rows.map((row) => store.record(row) as ProductRecord);
    const dims = source.dims;
    const vectors = new Float32Array(rows.length * dims);
    rows.forEach((row, i) =>
      vectors.set(
        store.vectors.subarray(row * dims, (row + 1) * dims),
        i * dims,
      )
    );
    for (let i = 0; i < rows.length; i += chunkSize) {
      const items: UpsertItem[] = [];
      for (let j = i; j < Math.min(rows.length, i + chunkSize); j++) {
        items.push({
          record: records[j] as ProductRecord,
          vector: vectors.subarray(j * dims, (j + 1) * dims),
        });
      }
      next.upsertMany(items);
      await yieldFn();
      options.signal?.throwIfAborted();
    }
    catchUp(source, next);
    return next;
  } catch (err: unknown) {
    next[Symbol.dispose]();
    throw err;
  }
}

/**
 * Rebuilds the live index of `holder`, swaps the result in within the same synchronous
 * step as the final catch-up (so no upsert is lost), and retires the old index once its
 * leases are released. Callers must send upserts to `holder.current`.
 */
export async function compact(
  holder: IndexHolder,
  options: RebuildOptions = {},
): Promise<VectorIndex> {
  const source = holder.current;
  if (source === null) throw new IndexError("Cannot compact: no index is live");
  const before = source.stats();
  const next = await rebuild(source, options);
  if (holder.current !== source) {
    next[Symbol.dispose]();
    throw new IndexError(
      "Cannot compact: the live index was swapped during the rebuild",
    );
  }
  catchUp(source, next);
  holder.swap(next);
  options.log?.info("index_compacted", {
    size: next.size,
    staleRowsBefore: before.staleRows,
    tombstonesBefore: before.tombstones,
  });
  await holder.retire(source);
  return next;
}

/** Applies to `next` every difference with `source` (records are compared by reference). */
function catchUp(source: VectorIndex, next: VectorIndex): void {
  for (const id of source.ids()) {
    const record = source.get(id) as ProductRecord;
    if (next.get(id) !== record) {
      next.upsert(record, source.vector(id) as Float32Array);
    }
  }
  const gone: string[] = [];
  for (const id of next.ids()) if (source.get(id) === undefined) gone.push(id);
  for (const id of gone) next.remove(id);
}
