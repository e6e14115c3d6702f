/**
 * Worker side of {@linkcode SearchReplicas}: holds one replica of the index, loaded from
 * the writer's newest snapshot and kept in step by the writer's numbered deltas, and
 * answers searches. Messages arrive in the order the writer posted them.
 * @module
 */
/// <reference lib="deno.worker" />
import type { ProductRecord } from "../types.ts";
import { loadLatestSnapshot } from "./snapshot_load.ts";
import type { SearchOptions, VectorIndex } from "./vector_index.ts";

/** A change made by the writer, numbered in the order it was made. */
export type Delta =
  | {
    readonly op: "upsert";
    readonly seq: number;
    readonly record: ProductRecord;
    readonly vector: Float32Array;
  }
  | { readonly op: "remove"; readonly seq: number; readonly id: string };

/** Messages to a replica worker. */
export type ToReplica =
  | { readonly type: "load"; readonly dir: string; readonly seq: number }
  | { readonly type: "deltas"; readonly deltas: readonly Delta[] }
  | {
    readonly type: "search";
    readonly id: number;
    readonly vector: Float32Array;
    readonly options: SearchOptions;
  };

/** Messages from a replica worker. */
export type FromReplica =
  | {
    readonly type: "loaded";
    readonly size: number;
    readonly seq: number;
    readonly error?: string;
  }
  | {
    readonly type: "result";
    readonly id: number;
    /** The last delta applied before this search ran. */
    readonly seq: number;
    readonly hits?: unknown[];
    readonly error?: string;
  };

let index: VectorIndex | null = null;
let applied = -1;
/** Deltas since the last load, replayed onto the next snapshot past its seq. */
let recent: Delta[] = [];

function apply(d: Delta): void {
  if (index === null || d.seq <= applied) return;
  if (d.op === "upsert") index.upsert(d.record, d.vector);
  else index.remove(d.id);
  applied = d.seq;
}

async function load(dir: string, seq: number): Promise<FromReplica> {
  const loaded = await loadLatestSnapshot(dir);
  if (loaded === null) {
    return {
      type: "loaded",
      size: index?.size ?? 0,
      seq: applied,
      error: `no valid snapshot in ${dir}`,
    };
  }
  index?.[Symbol.dispose]();
  index = loaded.index;
  applied = seq;
  const later = recent.filter((d) => d.seq > seq);
  recent = later;
  for (const d of later) apply(d);
  return { type: "loaded", size: index.size, seq: applied };
}

function search(
  m: Extract<ToReplica, { type: "search" }>,
): FromReplica {
  if (index === null) {
    return {
      type: "result",
      id: m.id,
      seq: applied,
      error: "replica has no index yet",
    };
  }
  try {
    return {
      type: "result",
      id: m.id,
      seq: applied,
      hits: index.search(m.vector, m.options),
    };
  } catch (err: unknown) {
    return { type: "result", id: m.id, seq: applied, error: String(err) };
  }
}

self.onmessage = async (e: MessageEvent<ToReplica>) => {
  const m = e.data;
  if (m.type === "deltas") {
    // Kept until the next load: a snapshot saved while they were in flight predates them.
    for (const d of m.deltas) {
      recent.push(d);
      apply(d);
    }
  } else if (m.type === "search") self.postMessage(search(m));
  else {
    try {
      self.postMessage(await load(m.dir, m.seq));
    } catch (err: unknown) {
      self.postMessage(
        {
          type: "loaded",
          size: index?.size ?? 0,
          seq: applied,
          error: String(err),
        } satisfies FromReplica,
      );
    }
  }
};
