/**
 * Scores ranked lists per query and aggregates them by query group: all queries, by
 * word count (1, 2, 3, 4+), "colour in image only" and, for queries that name their
 * candidates, "colour in image only, same type".
 */

import {
  meanMetrics,
  METRIC_NAMES,
  type QueryMetrics,
  queryMetrics,
} from "./metrics.ts";
import type { EvalQuery } from "./data.ts";

/** Query groups in table order. */
export const GROUPS = [
  "all",
  "1 word",
  "2 words",
  "3 words",
  "4+ words",
  "colour in image only",
  "colour in image only, same type",
] as const;

/** Groups shown only when some query belongs to them. */
const OPTIONAL: ReadonlySet<GroupName> = new Set([
  "colour in image only, same type",
]);

/** The groups a table shows: every group except empty optional ones. */
function shown(
  results: readonly SystemResult[],
  groups: readonly GroupName[],
): GroupName[] {
  return groups.filter((g) =>
    !OPTIONAL.has(g) || (results[0]?.groups[g].queries ?? 0) > 0
  );
}

/** A query group. */
export type GroupName = typeof GROUPS[number];

/** Mean metrics of one group. */
export interface GroupResult {
  /** Queries in the group. */
  readonly queries: number;
  /** Mean metrics over those queries. */
  readonly metrics: QueryMetrics;
}

/** Results of one system. */
export interface SystemResult {
  /** System name. */
  readonly system: string;
  /** Results per query group. */
  readonly groups: Readonly<Record<GroupName, GroupResult>>;
  /** Results per query tag (queries carrying that tag), tags sorted by name. */
  readonly tags: Readonly<Record<string, GroupResult>>;
}

function wordGroup(query: string): GroupName {
  const n = query.trim().split(/\s+/).length;
  return n <= 1
    ? "1 word"
    : n === 2
    ? "2 words"
    : n === 3
    ? "3 words"
    : "4+ words";
}

/**
 * Scores one system. "colour in image only" keeps the queries with imageOnly products,
 * drops the other relevant products from the ranking and scores against imageOnly: can
 * the system find the products whose colour no title mentions? "… same type" also keeps
 * only the query's candidates (the products of its type) in the ranking: can the system
 * tell the right colour from the wrong ones when the type alone does not decide?
 */
export function scoreSystem(
  system: string,
  queries: readonly EvalQuery[],
  ranked: readonly (readonly string[])[],
): SystemResult {
  if (ranked.length !== queries.length) {
    throw new RangeError(
      `Cannot score "${system}": ${ranked.length} rankings for ${queries.length} queries`,
    );
  }
  const rows: Record<GroupName, QueryMetrics[]> = Object.fromEntries(
    GROUPS.map((g) => [g, []]),
  ) as unknown as Record<GroupName, QueryMetrics[]>;
  const tagRows = new Map<string, QueryMetrics[]>();
  queries.forEach((q, i) => {
    const list = ranked[i] ?? [];
    const m = queryMetrics(list, q.relevant);
    rows.all.push(m);
    for (const tag of q.tags) {
      tagRows.set(tag, [...(tagRows.get(tag) ?? []), m]);
    }
    rows[wordGroup(q.query)].push(m);
    if (q.imageOnly.length > 0) {
      const target = new Set(q.imageOnly);
      const others = new Set(q.relevant.filter((id) => !target.has(id)));
      const rest = list.filter((id) => !others.has(id));
      rows["colour in image only"].push(queryMetrics(rest, q.imageOnly));
      if (q.candidates) {
        const among = new Set(q.candidates);
        rows["colour in image only, same type"].push(
          queryMetrics(rest.filter((id) => among.has(id)), q.imageOnly),
        );
      }
    }
  });
  const groups = Object.fromEntries(
    GROUPS.map((
      g,
    ) => [g, { queries: rows[g].length, metrics: meanMetrics(rows[g]) }]),
  );
  const tags = Object.fromEntries(
    [...tagRows.keys()].sort().map((t) => {
      const r = tagRows.get(t) ?? [];
      return [t, { queries: r.length, metrics: meanMetrics(r) }];
    }),
  );
  return { system, groups: groups as Record<GroupName, GroupResult>, tags };
}

const pct = (x: number) => (100 * x).toFixed(1);
const HEADERS = ["R@10", "R@100", "MRR@10", "nDCG@10"];

/** A Markdown table per group: one row per system, metrics in percent. */
export function formatTables(
  results: readonly SystemResult[],
  groups: readonly GroupName[] = GROUPS,
): string {
  const width = Math.max(6, ...results.map((r) => r.system.length));
  const out: string[] = [];
  for (const g of shown(results, groups)) {
    const n = results[0]?.groups[g].queries ?? 0;
    out.push(`\n${g} (${n} queries)\n`);
    out.push(
      `| ${"system".padEnd(width)} | ${
        HEADERS.map((h) => h.padStart(7)).join(" | ")
      } |`,
    );
    out.push(
      `|${"-".repeat(width + 2)}|${
        HEADERS.map(() => "-".repeat(8) + ":").join("|")
      }|`,
    );
    for (const r of results) {
      const m = r.groups[g].metrics;
      out.push(
        `| ${r.system.padEnd(width)} | ${
          METRIC_NAMES.map((k) => pct(m[k]).padStart(7)).join(" | ")
        } |`,
      );
    }
  }
  return out.join("\n") + "\n";
}

const SHORT: Readonly<Record<GroupName, string>> = {
  "all": "all",
  "1 word": "1 w",
  "2 words": "2 w",
  "3 words": "3 w",
  "4+ words": "4+ w",
  "colour in image only": "img colour",
  "colour in image only, same type": "img colour in type",
};

/** One Markdown table of one metric: a row per system, a column per query group. */
export function formatSummary(
  results: readonly SystemResult[],
  metric: keyof QueryMetrics = "recall10",
): string {
  const width = Math.max(6, ...results.map((r) => r.system.length));
  const groups = shown(results, GROUPS);
  const heads = groups.map((g) =>
    `${SHORT[g]} (${results[0]?.groups[g].queries ?? 0})`
  );
  const lines = [
    `| ${"system".padEnd(width)} | ${heads.join(" | ")} |`,
    `|${"-".repeat(width + 2)}|${
      heads.map((h) => "-".repeat(h.length + 1) + ":").join("|")
    }|`,
    ...results.map((r) =>
      `| ${r.system.padEnd(width)} | ${
        groups.map((g, i) =>
          pct(r.groups[g].metrics[metric]).padStart(heads[i]?.length ?? 0)
        ).join(" | ")
      } |`
    ),
  ];
  return lines.join("\n") + "\n";
}

/** One Markdown table of one metric: a row per system, a column per query tag. */
export function formatTagSummary(
  results: readonly SystemResult[],
  metric: keyof QueryMetrics = "recall10",
): string {
  const tags = Object.keys(results[0]?.tags ?? {});
  if (tags.length === 0) return "";
  const width = Math.max(6, ...results.map((r) => r.system.length));
  const heads = tags.map((t) => `${t} (${results[0]?.tags[t]?.queries ?? 0})`);
  const lines = [
    `| ${"system".padEnd(width)} | ${heads.join(" | ")} |`,
    `|${"-".repeat(width + 2)}|${
      heads.map((h) => "-".repeat(h.length + 1) + ":").join("|")
    }|`,
    ...results.map((r) =>
      `| ${r.system.padEnd(width)} | ${
        tags.map((t, i) =>
          pct(r.tags[t]?.metrics[metric] ?? 0).padStart(heads[i]?.length ?? 0)
        ).join(" | ")
      } |`
    ),
  ];
  return lines.join("\n") + "\n";
}
