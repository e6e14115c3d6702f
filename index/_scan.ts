/**
 * Exact scans over a {@linkcode RowStore} into a {@linkcode TopK}.
 * @module
 */

import type { AttrFilter } from "../types.ts";
import type { RowStore } from "./_store.ts";
import type { TopK } from "./_top_k.ts";

/** Exact scan of every live row. */
export function scanAll(
  store: RowStore,
  query: Float32Array,
  qOffset: number,
  top: TopK,
): void {
  const rows = store.rows;
  for (let row = 0; row < rows; row++) {
    if (store.record(row) === undefined) continue;
    top.push(row, store.dot(row, query, qOffset));
  }
}

/** Exact scan of the rows matching every filter. */
export function scanFiltered(
  store: RowStore,
  query: Float32Array,
  qOffset: number,
  filters: readonly AttrFilter[],
  top: TopK,
): void {
  const accept = store.matcher(filters);
  for (const row of store.candidates(filters)) {
    if (!accept(row)) continue;
    top.push(row, store.dot(row, query, qOffset));
  }
}
