/**
 * Child process of the scale stage: loads the newest snapshot of a folder the way a
 * restarted service does, and prints one JSON line when the index can answer a search.
 * The parent times from spawn to that line (process start, module load, snapshot load).
 * @module
 */
import { loadLatestSnapshot } from "../index/mod.ts";

if (import.meta.main) {
  const dir = Deno.args[0];
  if (!dir) throw new TypeError("Usage: _restart_probe.ts SNAPSHOT_DIR");
  const loaded = await loadLatestSnapshot(dir);
  if (loaded === null) throw new Error(`No valid snapshot in ${dir}`);
  const probe = loaded.index.vector(loaded.index.ids().next().value as string);
  const hits = probe ? loaded.index.search(probe, { k: 10 }).length : 0;
  const line = JSON.stringify({
    size: loaded.index.size,
    hits,
    loadMs: loaded.durationMs,
    graphLoaded: loaded.graphLoaded,
  });
  Deno.stdout.writeSync(new TextEncoder().encode(line + "\n"));
  loaded.index[Symbol.dispose]();
}
