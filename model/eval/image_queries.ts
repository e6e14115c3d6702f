/**
 * Query by example: each query is one product's image-tower vector, searched against
 * the image index of the evaluated products with the product itself left out, and
 * scored against its relevant ids (grocery: an in-store photo should find its class's
 * iconic image and the other photos of its class).
 */

import type { ProductEmbedding } from "../../encode/mod.ts";
import type { VectorIndex } from "../../index/mod.ts";
import type { ImageQuery } from "./data.ts";
import { meanMetrics, type QueryMetrics, queryMetrics } from "./metrics.ts";
import type { GroupResult } from "./report.ts";

/** Image→image results by query tag. */
export interface ImageToImageResult {
  /** Mean metrics per tag (tags in first-seen order). */
  readonly tags: Readonly<Record<string, GroupResult>>;
  /** Queries left out because their product has no usable image. */
  readonly withoutImage: number;
}

/** Scores image→image queries on an image index (k = 100, self excluded). */
export function scoreImageQueries(
  index: VectorIndex,
  ids: readonly string[],
  embeddings: readonly ProductEmbedding[],
  queries: readonly ImageQuery[],
): ImageToImageResult {
  const at = new Map(ids.map((id, i) => [id, i]));
  const rows = new Map<string, QueryMetrics[]>();
  let withoutImage = 0;
  for (const q of queries) {
    const i = at.get(q.id);
    if (i === undefined) {
      throw new RangeError(
        `Cannot score image query "${q.qid}": product "${q.id}" is not evaluated`,
      );
    }
    const vector = embeddings[i]?.towers.image;
    if (!vector) {
      withoutImage++;
      continue;
    }
    const k = Math.min(101, index.size);
    const ranked = index.search(vector, { k }).map((h) => h.id).filter((id) =>
      id !== q.id
    );
    rows.set(q.tag, [
      ...(rows.get(q.tag) ?? []),
      queryMetrics(ranked, q.relevant),
    ]);
  }
  const tags = Object.fromEntries(
    [...rows].map(([tag, r]) => [tag, {
      queries: r.length,
      metrics: meanMetrics(r),
    }]),
  );
  return { tags, withoutImage };
}

const pct = (x: number) => (100 * x).toFixed(1);

/** A Markdown table: one row per tag. */
export function formatImageToImage(r: ImageToImageResult): string {
  const lines = [
    "| image → image (image tower) | queries |  R@10 | R@100 | MRR@10 | nDCG@10 |",
    "|-----------------------------|--------:|------:|------:|-------:|--------:|",
    ...Object.entries(r.tags).map(([tag, g]) =>
      `| ${tag.padEnd(27)} | ${String(g.queries).padStart(7)} | ${
        pct(g.metrics.recall10).padStart(5)
      } | ${pct(g.metrics.recall100).padStart(5)} | ${
        pct(g.metrics.mrr10).padStart(6)
      } | ${pct(g.metrics.ndcg10).padStart(7)} |`
    ),
  ];
  return lines.join("\n") + "\n";
}
