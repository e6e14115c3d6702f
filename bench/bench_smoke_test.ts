/**
 * Smoke test of `deno task bench`: the harness runs every stage in its tiny mode against
 * the broker `deno task test` started and writes a complete JSON and Markdown report.
 * Timings are not asserted (shared, noisy machines); shapes and sanity are.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { BEGIN, END, updateDocs } from "./report.ts";
import { parseArgs } from "./options.ts";
import { parseWrk } from "./_wrk.ts";

Deno.test("parseArgs() resolves modes and rejects unknown stages", () => {
  assert.equal(parseArgs([]).mode, "default");
  assert.equal(parseArgs(["--soak"]).soakSeconds, 600);
  assert.equal(parseArgs(["--soak-seconds", "90"]).soakSeconds, 90);
  assert.throws(() => parseArgs(["--soak-seconds", "0"]), RangeError);
  assert.deepEqual([...parseArgs(["--only", "index,search"]).only], [
    "index",
    "search",
  ]);
  assert.throws(() => parseArgs(["--only", "nope"]), RangeError);
  assert.throws(() => parseArgs(["--fast"]), RangeError);
});

Deno.test("parseArgs() takes sweep data sets and the scale stage's largest size", () => {
  const o = parseArgs(["--dataset", "a", "--dataset", "b", "--scale", "1m"]);
  assert.deepEqual(o.datasets, ["a", "b"]);
  assert.deepEqual(o.scaleSizes, [10_000, 100_000, 1_000_000]);
  assert.deepEqual([...o.only], ["sweep", "scale"]);
  assert.deepEqual(
    parseArgs(["--scale", "100k", "--only", "scale"]).scaleSizes,
    [
      10_000,
      100_000,
    ],
  );
  assert.deepEqual([...parseArgs(["--scale", "10k", "--only", "scale"]).only], [
    "scale",
  ]);
  assert.deepEqual(parseArgs([]).datasets, []);
  assert.throws(() => parseArgs(["--scale", "2m"]), RangeError);
  assert.throws(() => parseArgs(["--dataset"]), RangeError);
  assert.throws(() => parseArgs(["--dataset", "--tiny"]), RangeError);
});

Deno.test("parseArgs() leaves the tracked docs/BENCHMARKS.md alone unless --docs", () => {
  assert.equal(parseArgs([]).docs, false);
  assert.equal(parseArgs(["--tiny"]).docs, false);
  assert.equal(parseArgs(["--docs"]).docs, true);
  assert.equal(parseArgs(["--no-docs"]).docs, false);
});

Deno.test("parseWrk() reads latency percentiles in any unit and the request rate", () => {
  const text = `  Latency Distribution
     50%  512.00us
     75%    1.20ms
     90%    2.50ms
     99%    1.10s
  12345 requests in 5.00s, 1.00MB read
  Non-2xx or 3xx responses: 3
Requests/sec:   2469.00
`;
  const r = parseWrk(text);
  assert.deepEqual(
    [r.p50Ms, r.p90Ms, r.p99Ms, r.qps, r.requests, r.errors],
    [0.512, 2.5, 1100, 2469, 12345, 3],
  );
});

Deno.test("updateDocs() replaces only the generated block", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "B.md");
  await Deno.writeTextFile(
    path,
    `# Notes\n\n${BEGIN}\nold\n${END}\n\nAfter.\n`,
  );
  await updateDocs(path, "new table\n");
  const text = await Deno.readTextFile(path);
  assert.ok(text.startsWith("# Notes\n\n"));
  assert.ok(text.includes("new table") && !text.includes("old"));
  assert.ok(text.endsWith("After.\n"));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("deno task bench --tiny runs every stage and writes its report", async () => {
  const out = await Deno.makeTempDir({ prefix: "bench-smoke-" });
  try {
    const root = join(import.meta.dirname ?? ".", "..");
    const run = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--unstable-net",
        "--v8-flags=--expose-gc",
        "-A",
        "tools/bench.ts",
        "--tiny",
        "--out",
        out,
        "--no-docs",
      ],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const log = new TextDecoder().decode(run.stdout);
    assert.ok(run.success, `${log}\n${new TextDecoder().decode(run.stderr)}`);
    const files = [...Deno.readDirSync(out)].map((e) => e.name);
    const json = files.find((f) => f.endsWith(".json"));
    assert.ok(json, `no JSON in ${files}`);
    const r = JSON.parse(await Deno.readTextFile(join(out, json)));
    assert.ok(r.limits.decodePerS > 0 && r.limits.encodePerS > 0);
    assert.ok(r.devices.some((d: { device: string }) => d.device === "wasm"));
    assert.equal(r.ingest.products, 40);
    assert.ok(r.ingest.pipelinePerS > 0);
    assert.ok(r.ingest.freshness.latencyMs.n > 0);
    assert.ok(r.ingest.memory.samples.length >= 2);
    assert.equal(
      r.ingest.memory.indexMiB.length,
      r.ingest.memory.samples.length,
    );
    assert.ok(
      r.index.fresh.recallAt10 > 0.5,
      "recall of the tiny index is absurd",
    );
    assert.ok(r.search.skipped || r.search.rows[0].cached[0].qps > 0);
    assert.equal(r.sweep.rows.length, 5 * 6, "5 builds × 6 ef on one data set");
    assert.ok(r.sweep.picked, "no setting reached recall@10 0.98 on 2k");
    assert.ok(
      r.sweep.filtered.every((f: { recallAt10: number }) => f.recallAt10 > 0.5),
    );
    assert.deepEqual(
      r.replicas.variants.map((v: { runs: unknown[] }) => v.runs.length),
      [2, 2, 2],
    );
    assert.ok(r.replicas.freshnessMs.n === 200);
    const scale = r.scale.rows[0];
    assert.equal(scale.n, 2000);
    assert.ok(scale.memory.total > scale.memory.vectors);
    assert.ok(
      scale.snapshot.readinessS > 0 && scale.search.at(-1).recallAt10 > 0.9,
    );
    const md = await Deno.readTextFile(
      join(out, json.replace(/\.json$/, ".md")),
    );
    assert.ok(md.includes("### Targets") && md.includes("### Peers"));
    assert.ok(md.includes("### Index parameters") && md.includes("### Scale"));
    assert.ok(log.includes("ingest: freshness"), log);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
