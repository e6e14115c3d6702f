import assert from "node:assert/strict";
import {
  checkGraph,
  type Edge,
  findCycles,
  graphFromInfo,
  layerOf,
} from "./check_layers.ts";

const edge = (from: string, to: string, line = 1): Edge => ({ from, to, line });

Deno.test("a cycle and an import against the layers are both reported", () => {
  const graph = {
    files: ["index/a.ts", "index/b.ts", "encode/mod.ts", "api/x.ts", "log.ts"],
    edges: [
      edge("index/a.ts", "index/b.ts"),
      edge("index/b.ts", "index/a.ts"),
      edge("encode/mod.ts", "api/x.ts", 7),
      edge("api/x.ts", "log.ts"),
    ],
  };
  const problems = checkGraph(graph);
  assert.deepEqual(problems, [
    "import cycle: index/a.ts -> index/b.ts -> index/a.ts",
    "encode/mod.ts:7 imports api/x.ts: layer 1 (encode/) must not import layer 2 (api/)",
  ]);
});

Deno.test("peers, private files and self-imports are violations; mod.ts and tests are not", () => {
  const graph = {
    files: [
      "ingest/x.ts",
      "index/mod.ts",
      "api/h.ts",
      "encode/_p.ts",
      "model/catalog/mod.ts",
      "tests/t.ts",
      "pipeline/s.ts",
    ],
    edges: [
      edge("ingest/x.ts", "index/mod.ts", 3),
      edge("api/h.ts", "encode/_p.ts", 4),
      edge("api/h.ts", "model/catalog/mod.ts", 5),
      edge("tests/t.ts", "encode/_p.ts"),
      edge("pipeline/s.ts", "pipeline/s.ts"),
    ],
  };
  assert.deepEqual(checkGraph(graph), [
    "import cycle: pipeline/s.ts -> pipeline/s.ts",
    "ingest/x.ts:3 imports index/mod.ts: ingest/ and index/ are peers and must not import each other",
    "api/h.ts:4 imports encode/_p.ts: import encode/mod.ts instead (cross-folder imports go through mod.ts)",
    "api/h.ts:5 imports model/catalog/mod.ts: api/ and model/ are peers and must not import each other",
  ]);
});

Deno.test("allowed violations pass; an allow-list entry that matches nothing fails", () => {
  const graph = {
    files: ["index/a.ts", "index/b.ts", "encode/x.ts", "model/m.ts"],
    edges: [
      edge("index/a.ts", "index/b.ts"),
      edge("index/b.ts", "index/a.ts"),
      edge("encode/x.ts", "model/m.ts"),
    ],
  };
  const allowed = [
    { key: "cycle index/a.ts index/b.ts", why: "test" },
    { key: "encode/x.ts -> model/m.ts", why: "test" },
  ];
  assert.deepEqual(checkGraph(graph, allowed), []);
  const unused = { key: "exports encode/mod.ts", message: "unused x" };
  assert.deepEqual(checkGraph(graph, allowed, [unused]), ["unused x"]);
  assert.deepEqual(
    checkGraph(graph, [...allowed, { key: unused.key, why: "test" }], [unused]),
    [],
  );
  assert.deepEqual(checkGraph({ ...graph, edges: [] }, allowed), [
    "allow-list entry no longer needed, remove it from tools/_layers_allowed.ts: cycle index/a.ts index/b.ts",
    "allow-list entry no longer needed, remove it from tools/_layers_allowed.ts: encode/x.ts -> model/m.ts",
  ]);
});

Deno.test("a long chain is walked without recursion and a three-file cycle is one finding", () => {
  const files = Array.from({ length: 20_000 }, (_, i) => `index/f${i}.ts`);
  const edges = files.slice(1).map((f, i) => edge(files[i]!, f));
  edges.push(edge("index/f2.ts", "index/f0.ts"));
  assert.deepEqual(findCycles({ files, edges }), [[
    "index/f0.ts",
    "index/f1.ts",
    "index/f2.ts",
  ]]);
});

Deno.test("layers: tests and benches on top, programs with the composition root, unknown folders throw", () => {
  assert.equal(layerOf("encode/load_image_test.ts"), 5);
  assert.equal(layerOf("encode/encoder_bench.ts"), 5);
  assert.equal(layerOf("encode/bench_util.ts"), 1);
  assert.equal(layerOf("main.ts"), 4);
  assert.equal(layerOf("broker/main.ts"), 4);
  assert.equal(layerOf("app/replica_main.ts"), 4);
  assert.equal(layerOf("log.ts"), 0);
  assert.equal(layerOf("live/swaps.ts"), 3);
  assert.throws(
    () => layerOf("nowhere/x.ts"),
    /folder nowhere\/ is in no layer/,
  );
});

Deno.test("graphFromInfo keeps repository files, code and type imports, 1-based lines", () => {
  const root = "file:///repo/";
  const at = (line: number) => ({ start: { line } });
  const graph = graphFromInfo(
    {
      modules: [{
        specifier: `${root}api/a.ts`,
        dependencies: [
          { code: { specifier: `${root}log.ts`, span: at(2) } },
          { type: { specifier: `${root}types.ts`, span: at(4) } },
          { code: { specifier: "npm:hono@4", span: at(0) } },
          { code: { specifier: `${root}node_modules/x.ts`, span: at(5) } },
        ],
      }, { specifier: "https://example.com/x.ts" }],
    },
    root,
    ["api/a.ts", "log.ts", "types.ts"],
  );
  assert.deepEqual(graph.edges, [
    edge("api/a.ts", "log.ts", 3),
    edge("api/a.ts", "types.ts", 5),
  ]);
});
