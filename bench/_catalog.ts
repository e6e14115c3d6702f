/**
 * The bench catalogue: generated products with real image files (PNG/JPEG/GIF), written
 * once per (size, image side) under bench-results/cache and reused by later runs.
 * @module
 */
import { join } from "node:path";
import { generateCatalog, writeCatalog } from "../model/catalog/mod.ts";
import type { ImageRef } from "../types.ts";

/** A catalogue on disk and its upsert events. */
export interface BenchCatalog {
  readonly dir: string;
  readonly events: ReadonlyArray<Record<string, unknown>>;
  /** Image references of the products that have one, in event order. */
  readonly images: readonly ImageRef[];
}

/** Writes (or reuses) a catalogue of `products` with `imageSize`-pixel images. */
export async function benchCatalog(
  root: string,
  products: number,
  imageSize: number,
): Promise<BenchCatalog> {
  const dir = join(root, "cache", `catalog-${products}-${imageSize}px`);
  const done = join(dir, ".complete");
  try {
    await Deno.stat(done);
  } catch {
    await Deno.mkdir(dir, { recursive: true });
    await writeCatalog(generateCatalog({ products, seed: 6 }), dir, {
      imagePathPrefix: "images/",
      imageSize,
      layout: "demo",
    });
    await Deno.writeTextFile(done, new Date().toISOString());
  }
  const text = await Deno.readTextFile(join(dir, "products.jsonl"));
  const events = text.trim().split("\n").map((l) =>
    JSON.parse(l) as Record<string, unknown>
  );
  const images = events.flatMap((e) => e.image ? [e.image as ImageRef] : []);
  return { dir, events, images };
}
