import assert from "node:assert/strict";
import {
  entryReports,
  exportedNames,
  isTestOrBench,
  namedImports,
  summaryLine,
  unusedExports,
} from "./mod_exports.ts";

Deno.test("namedImports reads imports and re-exports, multi-line, typed and renamed, not comments", () => {
  const source = `
import { a, type B as Bee } from "./x.ts";
import type {
  C,
  D,
} from "../encode/mod.ts";
export { e as f } from "./y.ts";
// import { nope } from "./z.ts";
/* import { never } from "./z.ts"; */
import assert from "node:assert/strict";
`;
  assert.deepEqual(namedImports(source), [
    { specifier: "./x.ts", names: ["a", "B"] },
    { specifier: "../encode/mod.ts", names: ["C", "D"] },
    { specifier: "./y.ts", names: ["e"] },
  ]);
});

Deno.test("exportedNames lists re-exports under their exported name, local lists and declarations", () => {
  const source = `
/** doc with export { fake } from "./no.ts" inside */
export { a, type B, c as d } from "./x.ts";
export type { E } from "./y.ts";
const g = 1;
export { g };
export function f() {}
export async function h() {}
export const K = 1;
export class L {}
export interface M {}
export type N = string;
`;
  assert.deepEqual(exportedNames(source), [
    "B",
    "E",
    "K",
    "L",
    "M",
    "N",
    "a",
    "d",
    "f",
    "g",
    "h",
  ]);
  assert.throws(() => exportedNames(`export * from "./x.ts";`), /export \*/);
});

const SOURCES = new Map([
  [
    "encode/mod.ts",
    `export { loadImage, unusedThing } from "./load.ts";\nexport type { Spec } from "./spec.ts";`,
  ],
  ["encode/testing.ts", `export function fakeImage() {}`],
  ["encode/load.ts", `export function loadImage() {}`],
  ["encode/load_test.ts", `import { unusedThing } from "./mod.ts";`],
  ["live/ingest.ts", `import { loadImage } from "../encode/mod.ts";`],
  [
    "tests/e2e_test.ts",
    `import type { Spec } from "../encode/mod.ts";\nimport { fakeImage } from "../encode/testing.ts";`,
  ],
]);

Deno.test("entryReports counts only importers outside the entry point's folder", () => {
  const [mod, testing] = entryReports(SOURCES);
  assert.equal(mod?.entry, "encode/mod.ts");
  assert.deepEqual(mod?.exported, ["Spec", "loadImage", "unusedThing"]);
  assert.deepEqual([...mod!.users], [
    ["loadImage", ["live/ingest.ts"]],
    ["Spec", ["tests/e2e_test.ts"]],
  ]);
  assert.equal(
    summaryLine(mod!),
    "encode/mod.ts: 3 exported, 2 used outside (1 by code other than tests and benches); unused outside: unusedThing",
  );
  assert.equal(testing?.entry, "encode/testing.ts");
  assert.deepEqual(testing?.users.get("fakeImage"), ["tests/e2e_test.ts"]);
});

Deno.test("unusedExports reports a mod.ts export used only inside its folder, never a testing.ts one", () => {
  assert.deepEqual(unusedExports(SOURCES), [{
    key: "exports encode/mod.ts",
    message:
      "encode/mod.ts exports unusedThing, which no file outside encode/ imports: drop them from mod.ts (a test-only helper goes in testing.ts)",
  }]);
  const used = new Map(SOURCES);
  used.set("tools/x.ts", `import { unusedThing } from "../encode/mod.ts";`);
  assert.deepEqual(unusedExports(used), []);
});

Deno.test("isTestOrBench: tests and benches anywhere, tests/ and bench/", () => {
  assert.equal(isTestOrBench("encode/x_test.ts"), true);
  assert.equal(isTestOrBench("index/search_bench.ts"), true);
  assert.equal(isTestOrBench("bench/index_stage.ts"), true);
  assert.equal(isTestOrBench("tests/_service.ts"), true);
  assert.equal(isTestOrBench("tools/train.ts"), false);
  assert.equal(isTestOrBench("benchmarks/x.ts"), false);
});
