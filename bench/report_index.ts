/**
 * Markdown of the parameter sweep and the scale stage (issue 15), and their lines in the
 * targets table. Kept apart from report.ts, which renders the other stages.
 * @module
 */
import type { ReplicasResults } from "./replicas_stage.ts";
import type { ScaleResults } from "./scale_stage.ts";
import type { SweepResults } from "./sweep_stage.ts";

const table = (head: string[], rows: (string | number)[][]) =>
  [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
const raw = (value: unknown) =>
  `<details><summary>raw JSON</summary>\n\n\`\`\`json\n${
    JSON.stringify(value)
  }\n\`\`\`\n\n</details>`;
const kib = (bytes: number) => Math.round(bytes);

/** Adds one line to the targets table. */
export type AddTarget = (
  item: string,
  target: string,
  measured: string,
  met: boolean | null,
) => void;

/** Target lines of the sweep, scale and replicas stages. */
export function indexTargets(
  r: {
    sweep?: SweepResults;
    scale?: ScaleResults;
    replicas?: ReplicasResults;
  },
  add: AddTarget,
): void {
  const { sweep, scale } = r;
  if (r.replicas) replicaTargets(r.replicas, add);
  if (sweep) {
    const p = sweep.picked;
    const rows = p
      ? sweep.rows.filter((r) => r.setting === p.setting && r.ef === p.ef)
      : [];
    add(
      `15 recall@10 vs exact at the picked setting (picked on ${
        sweep.pickedOn.join(", ")
      })`,
      `≥ ${sweep.target}`,
      p
        ? `${p.setting} ef${p.ef}: ${
          rows.map((r) => `${r.dataset} ${r.recallAt10}`).join(", ")
        }`
        : "no setting reached it",
      p !== null,
    );
  }
  const top = scale?.rows.at(-1);
  if (top) {
    const at = top.search.find((s) => s.ef === scale?.ef) ?? top.search[0];
    add(
      `15 ${top.n} products indexed and searchable`,
      "1,000,000 on 24 GiB",
      `${top.n}: recall@10 ${at?.recallAt10} at ef ${at?.ef}, RSS ${top.rssMiB} MiB, ${top.memory.total} B/product`,
      top.n >= 1_000_000 && (at?.recallAt10 ?? 0) >= 0.98,
    );
  }
}

/** The sweep tables: every (build, ef) per data set, then the filtered path. */
export function sweepSection(s: SweepResults): string {
  const names = s.datasets.map((d) => d.name);
  const largest = s.datasets.reduce((a, b) => (b.n > a.n ? b : a)).name;
  const keys = [...new Set(s.rows.map((r) => `${r.setting}|${r.ef}`))];
  const rows = keys.map((key) => {
    const [setting, ef] = key.split("|") as [string, string];
    const of = (name: string) =>
      s.rows.find((r) =>
        r.dataset === name && r.setting === setting && String(r.ef) === ef
      );
    const big = of(largest);
    const mark = s.picked && s.picked.setting === setting &&
        String(s.picked.ef) === ef
      ? " **(picked)**"
      : s.shipped.setting === setting && String(s.shipped.ef) === ef
      ? " (shipped)"
      : "";
    return [
      `${setting}${mark}`,
      ef,
      ...names.map((n) => {
        const r = of(n);
        return r ? `${r.recallAt10} · ${Math.round(r.qps)}` : "–";
      }),
      big?.p99Ms ?? "–",
      big?.buildS ?? "–",
      big?.graphMiB ?? "–",
    ];
  });
  const filtered = s.filtered.filter((f) =>
    [s.shipped, ...(s.picked ? [s.picked] : [])].some((p) =>
      p.setting === f.setting && p.ef === f.ef
    )
  );
  return [
    `### Index parameters: recall@10 · QPS per data set (1 thread, exact search as truth; ${
      s.datasets.map((d) => `${d.name}: ${d.n} products, ${d.queries} queries`)
        .join("; ")
    })`,
    table([
      "build",
      "ef",
      ...names.map((n) => `${n} R@10 · QPS`),
      `p99 ms (${largest})`,
      `build s (${largest}, 1 thread)`,
      `vectors + links MiB (${largest})`,
    ], rows),
    "### Filtered search (each query filtered to its source product's type/class/colour)",
    table(
      ["data set", "setting", "ef", "share passing", "R@10", "QPS", "p99 ms"],
      filtered.map((f) => [
        f.dataset,
        f.setting,
        f.ef,
        f.selectivity,
        f.recallAt10,
        Math.round(f.qps),
        f.p99Ms,
      ]),
    ),
    ...reencode(s),
    raw({ ...s, rows: undefined, filtered: undefined }),
  ].join("\n\n");
}

/** Re-encoding rates of the catalogues encoded in this run, and 1M at that rate. */
function reencode(s: SweepResults): string[] {
  const rated = s.datasets.filter((d) => d.encodedPerS !== undefined);
  if (rated.length === 0) return [];
  return [
    `Re-encoding with the shipped model (read, decode, encode; batch 32, one process): ${
      rated.map((d) =>
        `${d.name} ${d.encodedPerS}/s (1M products: ${
          (1e6 / d.encodedPerS! / 3600).toFixed(1)
        } h at that rate)`
      ).join("; ")
    }.`,
  ];
}

/** The scale tables: build and memory, then snapshots, restart and search. */
export function scaleSection(s: ScaleResults): string {
  return [
    `### Scale (${s.setting}; clustered synthetic vectors, synthetic titles)`,
    table(
      [
        "products",
        "build s (threads)",
        "build s (1 thread)",
        "rebuild s",
        "B/product: vectors f32",
        "USearch vectors",
        "graph links",
        "records",
        "titles + BM25",
        "total",
        "RSS MiB",
      ],
      s.rows.map((r) => [
        r.n,
        `${r.buildS} (${r.threads})`,
        r.build1S ?? "–",
        r.rebuildS ?? "–",
        kib(r.memory.vectors),
        kib(r.memory.nativeVectors),
        kib(r.memory.graph),
        kib(r.memory.records),
        kib(r.memory.lexical),
        kib(r.memory.total),
        r.rssMiB,
      ]),
    ),
    table(
      [
        "products",
        "snapshot MiB",
        "save s",
        "load s",
        "restart → first answer s",
        ...(s.rows[0]?.search ?? []).map((x) =>
          `ef ${x.ef}: R@10 · QPS · p99 ms`
        ),
      ],
      s.rows.map((r) => [
        r.n,
        r.snapshot.mib,
        r.snapshot.saveS,
        r.snapshot.loadS,
        r.snapshot.readinessS,
        ...r.search.map((x) =>
          `${x.recallAt10} · ${Math.round(x.qps)} · ${x.p99Ms}`
        ),
      ]),
    ),
    raw(s),
  ].join("\n\n");
}

function replicaTargets(r: ReplicasResults, add: AddTarget): void {
  for (const v of r.variants) {
    const one = v.runs[0];
    const many = v.runs.at(-1);
    if (!one || !many || one === many) continue;
    const ratio = many.qps / one.qps;
    add(
      `15 QPS ${many.connections} vs ${one.connections} connection(s), ${v.variant}, ${r.n} products`,
      "≥ 2 ×",
      `${ratio.toFixed(2)} × (${Math.round(many.qps)} vs ${
        Math.round(one.qps)
      }; load avg ${r.loadAvg.join(" / ")})`,
      ratio >= 2,
    );
    add(
      `15 p99 with ${many.connections} connections, ${v.variant}, ${r.n} products`,
      "≤ 10 ms",
      `${many.p99Ms} ms`,
      many.p99Ms <= 10,
    );
  }
}

/** wrk runs of the main-thread and replica servers, and write freshness. */
export function replicasSection(r: ReplicasResults): string {
  return [
    `### Search on every core (${r.n} products, ${r.workers} replica Workers; precomputed query vectors; load average at the end ${
      r.loadAvg.join(" / ")
    })`,
    table(
      ["server", "connections", "QPS", "p50 ms", "p90 ms", "p99 ms", "errors"],
      r.variants.flatMap((v) =>
        v.runs.map((w) => [
          v.variant,
          w.connections,
          Math.round(w.qps),
          w.p50Ms,
          w.p90Ms,
          w.p99Ms,
          w.errors,
        ])
      ),
    ),
    `Writer upsert → found by a replica's search: p50 ${r.freshnessMs.p50} ms, p99 ${r.freshnessMs.p99} ms, max ${r.freshnessMs.max} ms (${r.freshnessMs.n} writes).`,
    raw(r),
  ].join("\n\n");
}
