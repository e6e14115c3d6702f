/**
 * Entry-point exports: for each folder entry point (`mod.ts`, and the test-only
 * `testing.ts`), the names it exports and the files outside its folder that import
 * each one. Imports are read from the source text of every `.ts` file git lists
 * (`import {…} from`, `import type {…} from`, `export {…} from`), by the name the entry
 * point exports. `deno task check-layers` fails on a `mod.ts` export that no file
 * outside the folder imports ({@linkcode unusedExports}).
 *
 * Run: `deno run --allow-read --allow-run tools/mod_exports.ts [--verbose]`
 * prints one line per entry point (exports, used outside, used by code other than
 * tests and benches, unused); `--verbose` also lists each name's importers.
 * @module
 */
import { parseCli } from "../cli.ts";

const USAGE =
  `Usage: deno run --allow-read --allow-run tools/mod_exports.ts [--verbose]
For each mod.ts and testing.ts: how many names it exports, how many files outside its
folder import (and how many by code other than tests and benches), the unused ones.
  --verbose  list each exported name with the files outside the folder that import it`;

/** One import or re-export statement with a module specifier and named bindings. */
export interface NamedImport {
  /** The specifier as written, e.g. `../encode/mod.ts`. */
  readonly specifier: string;
  /** The imported names as the imported module exports them (left of `as`). */
  readonly names: readonly string[];
}

const BRACES =
  /\b(?:import|export)\s+(?:type\s+)?\{([^}]*)\}\s*from\s*["']([^"']+)["']/g;
const DECLARED =
  /^export\s+(?:declare\s+)?(?:default\s+)?(?:async\s+)?(?:abstract\s+)?(?:function\*?|const|let|var|class|interface|type|enum|namespace)\s+([A-Za-z_$][\w$]*)/gm;
const LOCAL_LIST = /^export\s+(?:type\s+)?\{([^}]*)\}\s*;/gm;

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

/** The bindings of a `{ a, type b, c as d }` list: `[original, local]` pairs. */
function bindings(list: string): [string, string][] {
  return list.split(",").map((s) => s.trim()).filter(Boolean).map((s) => {
    const [name, alias] = s.replace(/^type\s+/, "").split(/\s+as\s+/);
    return [name!.trim(), (alias ?? name!).trim()];
  });
}

/** The named imports and re-exports of a module's source text. */
export function namedImports(source: string): NamedImport[] {
  const out: NamedImport[] = [];
  for (const m of stripComments(source).matchAll(BRACES)) {
    out.push({ specifier: m[2]!, names: bindings(m[1]!).map(([n]) => n) });
  }
  return out;
}

/** The names a module's source text exports: re-exports, local lists, declarations. */
export function exportedNames(source: string): string[] {
  const text = stripComments(source);
  const names = new Set<string>();
  for (const m of text.matchAll(BRACES)) {
    if (!m[0].startsWith("export")) continue;
    for (const [, local] of bindings(m[1]!)) names.add(local);
  }
  for (const m of text.matchAll(LOCAL_LIST)) {
    for (const [, local] of bindings(m[1]!)) names.add(local);
  }
  for (const m of text.matchAll(DECLARED)) names.add(m[1]!);
  if (/^export\s+\*/m.test(text)) {
    throw new Error("export * is not counted: list the names instead");
  }
  return [...names].sort();
}

/** Whether a repo-relative file is a test or a bench (`*_test.ts`, `*_bench.ts`, tests/, bench/). */
export function isTestOrBench(path: string): boolean {
  return /_(test|bench)\.ts$/.test(path) || /^(tests|bench)\//.test(path);
}

/** The folder an entry point serves: `encode/mod.ts` → `encode/`. */
function folderOf(entry: string): string {
  return entry.slice(0, entry.lastIndexOf("/") + 1);
}

/** What one entry point exports and who outside its folder uses each name. */
export interface EntryReport {
  readonly entry: string;
  readonly exported: readonly string[];
  /** Name → repo-relative files outside the folder that import it. */
  readonly users: ReadonlyMap<string, readonly string[]>;
}

/** Reports for every `mod.ts` and `testing.ts` among `sources` (path → text). */
export function entryReports(
  sources: ReadonlyMap<string, string>,
): EntryReport[] {
  const entries = [...sources.keys()].filter((p) =>
    /(^|\/)(mod|testing)\.ts$/.test(p)
  ).sort();
  const users = new Map<string, Map<string, string[]>>(
    entries.map((e) => [e, new Map()]),
  );
  for (const [file, text] of sources) {
    for (const imp of namedImports(text)) {
      if (!imp.specifier.startsWith(".")) continue;
      const target = new URL(imp.specifier, `file:///${file}`).pathname.slice(
        1,
      );
      const byName = users.get(target);
      if (!byName || file.startsWith(folderOf(target))) continue;
      for (const name of imp.names) {
        byName.set(name, [...(byName.get(name) ?? []), file]);
      }
    }
  }
  return entries.map((entry) => ({
    entry,
    exported: exportedNames(sources.get(entry)!),
    users: users.get(entry)!,
  }));
}

/** One line of the table: exports, used outside, used by code other than tests, unused. */
export function summaryLine(r: EntryReport): string {
  const used = r.exported.filter((n) => r.users.has(n));
  const byCode = used.filter((n) =>
    r.users.get(n)!.some((f) => !isTestOrBench(f))
  );
  const unused = r.exported.filter((n) => !r.users.has(n));
  return `${r.entry}: ${r.exported.length} exported, ${used.length} used outside ` +
    `(${byCode.length} by code other than tests and benches)` +
    (unused.length ? `; unused outside: ${unused.join(", ")}` : "");
}

/** A `mod.ts` whose exports include names no file outside its folder imports. */
export interface UnusedExports {
  /** `exports <entry>`: what an allow-list entry names. */
  readonly key: string;
  readonly message: string;
}

/**
 * One finding per `mod.ts` that exports names no file outside its folder imports
 * (`testing.ts` entries serve the folder's own tests too, so they are not checked).
 */
export function unusedExports(
  sources: ReadonlyMap<string, string>,
): UnusedExports[] {
  const out: UnusedExports[] = [];
  for (const r of entryReports(sources)) {
    if (!r.entry.endsWith("mod.ts")) continue;
    const unused = r.exported.filter((n) => !r.users.has(n));
    if (unused.length === 0) continue;
    out.push({
      key: `exports ${r.entry}`,
      message: `${r.entry} exports ${
        unused.join(", ")
      }, which no file outside ${
        folderOf(r.entry)
      } imports: drop them from mod.ts (a test-only helper goes in testing.ts)`,
    });
  }
  return out;
}

/** The text of each repo-relative `.ts` file under `root`. */
export async function readSources(
  root: string,
  files: readonly string[],
): Promise<Map<string, string>> {
  const sources = new Map<string, string>();
  for (const f of files) {
    sources.set(f, await Deno.readTextFile(`${root}/${f}`));
  }
  return sources;
}

/** Repo-relative paths of the tracked and untracked (not ignored) `.ts` files. */
export async function repoFiles(root: string): Promise<string[]> {
  const { code, stdout, stderr } = await new Deno.Command("git", {
    args: ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts"],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(
      `git ls-files failed: ${new TextDecoder().decode(stderr).trim()}`,
    );
  }
  const listed = new TextDecoder().decode(stdout).split("\n").filter(Boolean);
  const present: string[] = [];
  for (const f of listed) {
    try {
      await Deno.lstat(`${root}/${f}`);
      present.push(f);
    } catch (err: unknown) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  return present.sort();
}

async function main(): Promise<number> {
  const { values } = parseCli(USAGE, {
    options: { verbose: { type: "boolean", default: false } },
    allowPositionals: false,
  });
  const root = new URL("../", import.meta.url).pathname.replace(/\/$/, "");
  const reports = entryReports(await readSources(root, await repoFiles(root)));
  const out: string[] = [];
  for (const r of reports) {
    out.push(summaryLine(r));
    if (!values.verbose) continue;
    for (const name of r.exported) {
      const files = r.users.get(name) ?? [];
      out.push(`  ${name}: ${files.length ? files.join(" ") : "-"}`);
    }
  }
  const exports = reports.reduce((n, r) => n + r.exported.length, 0);
  out.push(`mod-exports: ${reports.length} entry points, ${exports} exports`);
  Deno.stdout.writeSync(new TextEncoder().encode(`${out.join("\n")}\n`));
  return 0;
}

if (import.meta.main) Deno.exit(await main());
