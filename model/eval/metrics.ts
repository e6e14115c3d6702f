/**
 * Ranking metrics for one query: capped recall@k, MRR@k and binary nDCG@k.
 */

/** Metrics of one ranked list against one relevant set. */
export interface QueryMetrics {
  /** |relevant ∩ top k| / min(k, |relevant|) for k = 10 (capped recall, 1 is perfect). */
  readonly recall10: number;
  /** The same for k = 100. */
  readonly recall100: number;
  /** 1 / rank of the first relevant hit within the top 10, else 0. */
  readonly mrr10: number;
  /** Binary-gain nDCG over the top 10. */
  readonly ndcg10: number;
}

/** Names of the metrics, in table order. */
export const METRIC_NAMES: readonly (keyof QueryMetrics)[] = [
  "recall10",
  "recall100",
  "mrr10",
  "ndcg10",
];

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) {
    throw new RangeError(
      `Cannot compute metric: k must be a positive integer, got ${k}`,
    );
  }
}

/** Capped recall: |relevant ∩ top k| / min(k, |relevant|); 0 when nothing is relevant. */
export function recallAt(
  ranked: readonly string[],
  relevant: ReadonlySet<string>,
  k: number,
): number {
  checkK(k);
  if (relevant.size === 0) return 0;
  let hits = 0;
  for (const id of ranked.slice(0, k)) if (relevant.has(id)) hits++;
  return hits / Math.min(k, relevant.size);
}

/** Reciprocal rank of the first relevant id within the top k, else 0. */
export function mrrAt(
  ranked: readonly string[],
  relevant: ReadonlySet<string>,
  k: number,
): number {
  checkK(k);
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) {
    if (relevant.has(ranked[i] ?? "")) return 1 / (i + 1);
  }
  return 0;
}

/** nDCG@k with gain 1 for relevant ids and log2(rank + 1) discount. */
export function ndcgAt(
  ranked: readonly string[],
  relevant: ReadonlySet<string>,
  k: number,
): number {
  checkK(k);
  if (relevant.size === 0) return 0;
  let dcg = 0;
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) {
    if (relevant.has(ranked[i] ?? "")) dcg += 1 / Math.log2(i + 2);
  }
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) {
    ideal += 1 / Math.log2(i + 2);
  }
  return dcg / ideal;
}

/** All metrics of one query. Duplicate ids in `ranked` count once (first position). */
export function queryMetrics(
  ranked: readonly string[],
  relevant: readonly string[],
): QueryMetrics {
  const unique = [...new Set(ranked)];
  const rel = new Set(relevant);
  return {
    recall10: recallAt(unique, rel, 10),
    recall100: recallAt(unique, rel, 100),
    mrr10: mrrAt(unique, rel, 10),
    ndcg10: ndcgAt(unique, rel, 10),
  };
}

/** Mean of each metric over queries; zeros for an empty list. */
export function meanMetrics(rows: readonly QueryMetrics[]): QueryMetrics {
  const n = rows.length;
  const sum = (key: keyof QueryMetrics) =>
    rows.reduce((s, r) => s + r[key], 0) / (n || 1);
  return {
    recall10: sum("recall10"),
    recall100: sum("recall100"),
    mrr10: sum("mrr10"),
    ndcg10: sum("ndcg10"),
  };
}
