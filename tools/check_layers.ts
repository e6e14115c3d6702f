/**
 * `deno task check-layers`: fails on an import cycle between files, on an import that
 * goes against the layers in the README's "Architecture" section, on a
 * cross-folder import that bypasses the folder's `mod.ts`, and on a `mod.ts` export
 * that no file outside its folder imports. The import graph comes from
 * `deno info --json` over every `.ts` file in the repository; imported names from
 * their source text (tools/mod_exports.ts). Known violations
 * sit in `tools/_layers_allowed.ts` with a reason each; an entry that no longer matches
 * anything fails too, so the list only shrinks. Exit code: 0 clean, 1 violations.
 * @module
 */
import { parseCli } from "../cli.ts";
import { ALLOWED, type Allowed } from "./_layers_allowed.ts";
import { readSources, repoFiles, unusedExports } from "./mod_exports.ts";

const USAGE = `Usage: deno task check-layers
Checks the import graph of every .ts file: no cycles, no import against the layers
(base <- stages <- model, api <- live <- app, programs <- tools, bench, tests),
cross-folder imports through the folder's mod.ts, and every name a mod.ts exports
imported from outside its folder. One line per violation; exit 1.`;

/** One import: `from` imports `to` (repo-relative paths) at 1-based `line`. */
export interface Edge {
  readonly from: string;
  readonly to: string;
  readonly line: number;
}

/** The files of the repository and the imports between them. */
export interface ImportGraph {
  readonly files: readonly string[];
  readonly edges: readonly Edge[];
}

/** Layers, lowest first; a file may import its own layer's folder or lower layers. */
export const LAYERS: readonly (readonly string[])[] = [
  ["."], // base: types, errors, log, metrics, config, cli, delay, random, tokens
  ["encode", "index", "ingest", "pipeline", "broker"], // stages
  ["model", "api"], // offline model, HTTP API
  ["live"], // the live index
  ["app"], // composition root and programs
  ["tools", "bench", "tests"], // tasks, benchmarks, tests
];

const TOP = LAYERS.length - 1;
const PROGRAM = TOP - 1;

/** The top-level folder of a repo-relative path; "." for files at the root. */
export function folderOf(path: string): string {
  const slash = path.indexOf("/");
  return slash < 0 ? "." : path.slice(0, slash);
}

/**
 * The layer of a file: tests and benches (`*_test.ts`, `*_bench.ts`: programs that
 * nothing imports) sit at the top, program entry points
 * (`main.ts`, `*_main.ts`) with the composition root, the rest by folder.
 * @throws {Error} for a folder that no layer names
 */
export function layerOf(path: string): number {
  const name = path.slice(path.lastIndexOf("/") + 1);
  if (name.endsWith("_test.ts") || name.endsWith("_bench.ts")) return TOP;
  if (name === "main.ts" || name.endsWith("_main.ts")) return PROGRAM;
  const folder = folderOf(path);
  const layer = LAYERS.findIndex((folders) => folders.includes(folder));
  if (layer < 0) {
    throw new Error(
      `${path}: folder ${folder}/ is in no layer (tools/check_layers.ts LAYERS)`,
    );
  }
  return layer;
}

/** Import cycles: each strongly connected component of more than one file, or a self-import. */
export function findCycles(graph: ImportGraph): string[][] {
  const next = new Map<string, string[]>();
  for (const e of graph.edges) {
    next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let counter = 0;
  // Iterative Tarjan: the graph has a few hundred files, recursion would do, but
  // a deep chain must not overflow the stack.
  for (const start of graph.files) {
    if (index.has(start)) continue;
    const work: [string, number][] = [[start, 0]];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const [node, i] = top;
      const succ = next.get(node) ?? [];
      if (i < succ.length) {
        top[1] = i + 1;
        const to = succ[i]!;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push([to, 0]);
        } else if (onStack.has(to)) {
          low.set(node, Math.min(low.get(node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) {
        low.set(parent[0], Math.min(low.get(parent[0])!, low.get(node)!));
      }
      if (low.get(node) !== index.get(node)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || succ.includes(node)) {
        cycles.push(component.sort());
      }
    }
  }
  return cycles;
}

/** One finding: a line for the report and the key an allow-list entry matches. */
export interface Violation {
  readonly key: string;
  readonly message: string;
}

/**
 * The import rules for one edge, null when it is fine: no import of a higher layer;
 * folders of one layer (stages; model and api) do not import each other; below the
 * top layer a cross-folder import names a `mod.ts` (a folder's or a sub-folder's).
 * Tests, tools and benches may reach other folders' private helpers.
 */
export function edgeViolation(edge: Edge): Violation | null {
  const { from, to, line } = edge;
  const key = `${from} -> ${to}`;
  const at = `${from}:${line} imports ${to}`;
  const [fromLayer, toLayer] = [layerOf(from), layerOf(to)];
  const [fromFolder, toFolder] = [folderOf(from), folderOf(to)];
  if (toLayer > fromLayer) {
    return {
      key,
      message:
        `${at}: layer ${fromLayer} (${fromFolder}/) must not import layer ${toLayer} (${toFolder}/)`,
    };
  }
  if (fromFolder === toFolder || toFolder === ".") return null;
  if (toLayer === fromLayer && fromLayer < PROGRAM && fromLayer > 0) {
    return {
      key,
      message:
        `${at}: ${fromFolder}/ and ${toFolder}/ are peers and must not import each other`,
    };
  }
  if (fromLayer < TOP && !to.endsWith("/mod.ts")) {
    return {
      key,
      message:
        `${at}: import ${toFolder}/mod.ts instead (cross-folder imports go through mod.ts)`,
    };
  }
  return null;
}

/**
 * Every violation of `graph` (and the `other` findings, e.g. unused exports) not
 * covered by `allowed`, then every stale allow-list entry.
 */
export function checkGraph(
  graph: ImportGraph,
  allowed: readonly Allowed[] = [],
  other: readonly Violation[] = [],
): string[] {
  const allowedKeys = new Set(allowed.map((a) => a.key));
  const used = new Set<string>();
  const out: string[] = [];
  for (const cycle of findCycles(graph)) {
    const key = `cycle ${cycle.join(" ")}`;
    if (allowedKeys.has(key)) used.add(key);
    else out.push(`import cycle: ${cycle.join(" -> ")} -> ${cycle[0]}`);
  }
  const seen = new Set<string>();
  for (const edge of graph.edges) {
    const v = edgeViolation(edge);
    if (v === null || seen.has(v.key)) continue;
    seen.add(v.key);
    if (allowedKeys.has(v.key)) used.add(v.key);
    else out.push(v.message);
  }
  for (const v of other) {
    if (allowedKeys.has(v.key)) used.add(v.key);
    else out.push(v.message);
  }
  for (const a of allowed) {
    if (!used.has(a.key)) {
      out.push(
        `allow-list entry no longer needed, remove it from tools/_layers_allowed.ts: ${a.key}`,
      );
    }
  }
  return out;
}

/** The import graph of `files` (repo-relative) from one `deno info --json` run. */
export async function readGraph(
  root: string,
  files: readonly string[],
): Promise<ImportGraph> {
  const rootUrl =
    new URL(`file://${root.endsWith("/") ? root : `${root}/`}`).href;
  const source = files.map((f) =>
    `import ${JSON.stringify(new URL(f, rootUrl).href)};`
  )
    .join("\n");
  // A data: URL root imports every file, so one `deno info` run sees the whole graph.
  const entry = `data:application/typescript,${encodeURIComponent(source)}`;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--config", `${root}/deno.json`, entry],
    cwd: root,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(
      `deno info failed: ${new TextDecoder().decode(stderr).trim()}`,
    );
  }
  return graphFromInfo(
    JSON.parse(new TextDecoder().decode(stdout)),
    rootUrl,
    files,
  );
}

interface InfoDependency {
  readonly code?: {
    readonly specifier?: string;
    readonly span?: { readonly start: { readonly line: number } };
  };
  readonly type?: {
    readonly specifier?: string;
    readonly span?: { readonly start: { readonly line: number } };
  };
}
interface InfoModule {
  readonly specifier: string;
  readonly dependencies?: readonly InfoDependency[];
}

/** Edges between repository files from `deno info --json` output. */
export function graphFromInfo(
  info: { readonly modules: readonly InfoModule[] },
  rootUrl: string,
  files: readonly string[],
): ImportGraph {
  const inRepo = new Set(files);
  const rel = (url: string | undefined) =>
    url?.startsWith(rootUrl) ? url.slice(rootUrl.length) : undefined;
  const edges: Edge[] = [];
  for (const mod of info.modules) {
    const from = rel(mod.specifier);
    if (from === undefined || !inRepo.has(from)) continue;
    for (const dep of mod.dependencies ?? []) {
      for (const d of [dep.code, dep.type]) {
        const to = rel(d?.specifier);
        if (to === undefined || !inRepo.has(to)) continue;
        edges.push({ from, to, line: (d?.span?.start.line ?? 0) + 1 });
      }
    }
  }
  return { files, edges };
}

async function main(): Promise<number> {
  parseCli(USAGE, { options: {}, allowPositionals: false });
  const root = new URL("../", import.meta.url).pathname.replace(/\/$/, "");
  const files = await repoFiles(root);
  const graph = await readGraph(root, files);
  const exports = unusedExports(await readSources(root, files));
  const problems = checkGraph(graph, ALLOWED, exports);
  const write = (s: string) =>
    Deno.stdout.writeSync(new TextEncoder().encode(`${s}\n`));
  for (const p of problems) write(p);
  write(
    `check-layers: ${files.length} files, ${graph.edges.length} imports, ${ALLOWED.length} allowed, ${problems.length} violations`,
  );
  return problems.length === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main());
