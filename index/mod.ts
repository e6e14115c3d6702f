/**
 * The vector index stage: product vectors with their records, searchable by cosine
 * similarity with attribute filters; snapshots; live swap.
 *
 * - Input: `upsert(record, vector)` / `remove(id)` from the pipeline, idempotent by id
 *   (an upsert replaces the previous vector and record of the same id). Vectors are
 *   checked once at the facade (Float32Array, `dims` long, finite, non-zero) and stored
 *   L2-normalised.
 * - Output: `search(vector, { k, filters })` → hits sorted by score (cosine similarity)
 *   descending; filters are ANDed attribute equalities compared as normalised strings, and never
 *   cost results: when the graph yields too few matches the index scans the filtered
 *   subset exactly.
 * - Lexical channel: `searchLexical(text, { k, filters })` → BM25 hits over the
 *   normalised tokens (`lexicalTokens`) of titles and attribute values; the
 *   inverted index lives beside the vectors, so upserts, removes, snapshot loads and
 *   rebuilds keep both in step. Filter values match case-insensitively (NFKC, lower
 *   case, whitespace collapsed: `filterValueKey`).
 * - Errors: malformed input throws `TypeError`/`RangeError`; native or snapshot failures
 *   throw `IndexError`. Searching never mutates the index.
 * - Live swap: `IndexHolder` holds the single live reference; requests `acquire()` a
 *   lease and read it once; `swap(next)` returns the previous index, and
 *   `retire(previous)` disposes it once its last lease is released.
 * - Snapshots: `saveSnapshot` writes a folder atomically (temp dir, fsync, rename) with a
 *   checksummed manifest; `loadLatestSnapshot` returns the newest valid one, reporting
 *   and skipping corrupt ones. Neither takes a signal: both are bounded local file I/O.
 * - Search on every core: `SearchReplicas` runs Workers that each hold a replica loaded
 *   from the writer's snapshots and kept in step by its numbered deltas.
 * @module
 */

export type { Quantization, VectorIndex } from "./vector_index.ts";
export type { IndexKind, SearchOptions } from "./vector_index.ts";
export { createBruteForceIndex } from "./brute_force_index.ts";
export { createUsearchIndex } from "./usearch_index.ts";
export { USEARCH_DEFAULTS } from "./_options.ts";
export { IndexHolder, type IndexLease } from "./index_holder.ts";
export { saveSnapshot } from "./snapshot_save.ts";
export { loadLatestSnapshot, verifySnapshot } from "./snapshot_load.ts";
export { GRAPH as GRAPH_FILE, listSnapshots } from "./_snapshot_format.ts";
export { compact, rebuild } from "./rebuild.ts";
export { SearchReplicas } from "./search_replicas.ts";
