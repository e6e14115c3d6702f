/**
 * The HNSW peer (hnswlib-node). Its native addon is not built by Deno's npm install, so
 * it is built here on demand with node-gyp against the local Node headers; when that is
 * impossible the peer is reported as skipped with the reason.
 * @module
 */
import { dirname, join } from "node:path";

/** The slice of hnswlib-node's HierarchicalNSW the bench uses. */
export interface HnswIndex {
  initIndex(max: number, m: number, efConstruction: number, seed: number): void;
  setEf(ef: number): void;
  addPoint(point: number[], label: number): void;
  searchKnn(
    query: number[],
    k: number,
  ): { neighbors: number[]; distances: number[] };
}

/** Constructor of a cosine HNSW index of `dims`. */
export type HnswFactory = (dims: number) => HnswIndex;

/** Loads hnswlib-node, building its addon first when missing. */
export async function loadHnswPeer(
  progress: (line: string) => void,
): Promise<
  { kind: "ok"; create: HnswFactory } | { kind: "skipped"; reason: string }
> {
  const pkg = await findPackage();
  if (pkg === null) {
    return {
      kind: "skipped",
      reason: "hnswlib-node is not installed in node_modules",
    };
  }
  if (!(await exists(join(pkg, "build", "Release", "addon.node")))) {
    progress("peers: building the hnswlib-node addon with node-gyp (once)");
    const built = await buildAddon(pkg);
    if (built !== null) return { kind: "skipped", reason: built };
  }
  try {
    const mod = await import("hnswlib-node");
    const lib = (mod.default ?? mod) as {
      HierarchicalNSW: new (space: string, dims: number) => HnswIndex;
    };
    return {
      kind: "ok",
      create: (dims) => new lib.HierarchicalNSW("cosine", dims),
    };
  } catch (err) {
    return {
      kind: "skipped",
      reason: `Cannot load hnswlib-node: ${String(err)}`,
    };
  }
}

async function findPackage(): Promise<string | null> {
  const root = join(import.meta.dirname ?? ".", "..", "node_modules", ".deno");
  try {
    for await (const entry of Deno.readDir(root)) {
      if (entry.name.startsWith("hnswlib-node@")) {
        return join(root, entry.name, "node_modules", "hnswlib-node");
      }
    }
  } catch {
    // No node_modules/.deno: the package was never installed.
  }
  return null;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Builds the addon; returns why it failed, or null. */
async function buildAddon(pkg: string): Promise<string | null> {
  const npmRoot = await output("npm", ["root", "-g"]);
  const nodePath = await output("sh", ["-c", "command -v node"]);
  if (npmRoot === null || nodePath === null) {
    return "node and npm are needed to build the hnswlib-node addon";
  }
  const gyp = join(
    npmRoot,
    "npm",
    "node_modules",
    "node-gyp",
    "bin",
    "node-gyp.js",
  );
  const nodeDir = dirname(dirname(await Deno.realPath(nodePath)));
  const args = [gyp, "rebuild"];
  // Local headers avoid a download of them (no network to nodejs.org here).
  if (await exists(join(nodeDir, "include", "node", "node_api.h"))) {
    args.push(`--nodedir=${nodeDir}`);
  }
  const run = await new Deno.Command("node", {
    args,
    cwd: pkg,
    stdout: "null",
    stderr: "piped",
  })
    .output().catch((err) => ({
      success: false,
      stderr: new TextEncoder().encode(String(err)),
    }));
  if (run.success) return null;
  const tail = new TextDecoder().decode(run.stderr).trim().split("\n").slice(-3)
    .join(" | ");
  return `Cannot build the hnswlib-node addon: ${tail}`;
}

async function output(cmd: string, args: string[]): Promise<string | null> {
  try {
    const r = await new Deno.Command(cmd, {
      args,
      stdout: "piped",
      stderr: "null",
    }).output();
    return r.success ? new TextDecoder().decode(r.stdout).trim() : null;
  } catch {
    return null;
  }
}
