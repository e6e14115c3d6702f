/**
 * Writes a generated catalogue to a folder: products.jsonl (upsert events),
 * products-meta.jsonl (evaluation facts: image kind, colour in title), images/,
 * splits.json, queries-<split>.jsonl and vocabulary.json.
 */

import { encodeBitmap, EXTENSION } from "./encode_image.ts";
import {
  type Catalog,
  type CatalogProduct,
  type CatalogQuery,
  SPLITS,
} from "./generate.ts";
import { renderImage } from "./render.ts";
import { catalogVocabulary } from "./vocabulary.ts";

/** Options of writeCatalog. */
export interface WriteOptions {
  /** Prefix of image paths written into events. @default "images/" (relative to the output folder) */
  readonly imagePathPrefix?: string;
  /** Image side in pixels. @default 128 */
  readonly imageSize?: number;
  /**
   * "full": products.jsonl, products-meta.jsonl, images/, splits.json,
   * queries-<split>.jsonl, vocabulary.json.
   * "demo": products.jsonl, products-meta.jsonl, images/ and one queries.jsonl with
   * every split's queries.
   * @default "full"
   */
  readonly layout?: "full" | "demo";
  /** Called after every 500 images and at the end. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Stops writing between images; the call rejects with the reason. */
  readonly signal?: AbortSignal;
}

/** Figures about what was written. */
export interface WriteStats {
  /** Products written. */
  readonly products: number;
  /** Images written by format and kind ("none": products without an image). */
  readonly images: Readonly<Record<string, number>>;
  /** Total bytes of image files. */
  readonly imageBytes: number;
  /** Queries written per split. */
  readonly queries: Readonly<Record<string, number>>;
}

/** The upsert event of a product as written to products.jsonl. */
export function productEvent(
  p: CatalogProduct,
  imagePathPrefix = "images/",
): Record<string, unknown> {
  const a = p.attrs;
  const event: Record<string, unknown> = {
    op: "upsert",
    id: p.id,
    title: p.title,
  };
  if (p.image) {
    event.image = {
      path: `${imagePathPrefix}${p.id}.${EXTENSION[p.image.format]}`,
    };
  }
  event.attrs = {
    type: a.type,
    category: a.category,
    colour: a.colour,
    pattern: a.pattern,
    material: a.material,
    gender: a.gender,
    brand: a.brand,
  };
  event.version = 1;
  return event;
}

/**
 * Facts about a product that its event does not carry, for evaluation only (written to
 * products-meta.jsonl): what its image shows and whether its title names the colour.
 */
export function productMeta(p: CatalogProduct): Record<string, unknown> {
  return {
    id: p.id,
    imageKind: p.image ? p.image.plan.kind : "none",
    colourInTitle: p.colourInTitle,
    category: p.attrs.category,
  };
}

/** The line written to queries-<split>.jsonl for a query. */
export function queryLine(q: CatalogQuery): Record<string, unknown> {
  return {
    qid: q.qid,
    query: q.query,
    relevant: q.relevant,
    imageOnly: q.imageOnly,
    tags: q.tags,
    constraints: q.constraints,
  };
}

const jsonl = (rows: unknown[]): string =>
  rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length > 0 ? "\n" : "");

async function writeImages(
  catalog: Catalog,
  dir: string,
  options: WriteOptions,
): Promise<{ counts: Record<string, number>; bytes: number }> {
  await Deno.mkdir(`${dir}/images`, { recursive: true });
  const counts: Record<string, number> = {
    png: 0,
    jpeg: 0,
    gif: 0,
    none: 0,
    box: 0,
    card: 0,
  };
  const withImage = catalog.products.filter((p) => p.image !== null);
  let bytes = 0, done = 0;
  for (const p of catalog.products) {
    options.signal?.throwIfAborted();
    if (!p.image) {
      counts.none = (counts.none ?? 0) + 1;
      continue;
    }
    const bitmap = renderImage(p.image.plan, options.imageSize ?? 128);
    const data = await encodeBitmap(bitmap, p.image.format, {
      jpegQuality: 80 + (p.image.plan.seed % 15),
    });
    await Deno.writeFile(
      `${dir}/images/${p.id}.${EXTENSION[p.image.format]}`,
      data,
    );
    bytes += data.length;
    counts[p.image.format] = (counts[p.image.format] ?? 0) + 1;
    if (p.image.plan.kind !== "product") {
      counts[p.image.plan.kind] = (counts[p.image.plan.kind] ?? 0) + 1;
    }
    if (++done % 500 === 0) options.onProgress?.(done, withImage.length);
  }
  options.onProgress?.(done, withImage.length);
  return { counts, bytes };
}

async function writeSplits(
  catalog: Catalog,
  dir: string,
): Promise<Record<string, number>> {
  await Deno.writeTextFile(
    `${dir}/splits.json`,
    JSON.stringify(catalog.splits) + "\n",
  );
  const queries: Record<string, number> = {};
  for (const split of SPLITS) {
    const rows = catalog.queries[split];
    queries[split] = rows.length;
    await Deno.writeTextFile(
      `${dir}/queries-${split}.jsonl`,
      jsonl(rows.map(queryLine)),
    );
  }
  await Deno.writeTextFile(
    `${dir}/vocabulary.json`,
    JSON.stringify({ terms: catalogVocabulary() }, null, 1) + "\n",
  );
  return queries;
}

async function writeDemoQueries(
  catalog: Catalog,
  dir: string,
): Promise<Record<string, number>> {
  const rows = SPLITS.flatMap((s) => catalog.queries[s]);
  await Deno.writeTextFile(`${dir}/queries.jsonl`, jsonl(rows.map(queryLine)));
  return { all: rows.length };
}

/** Writes the catalogue under `dir` (created if missing). */
export async function writeCatalog(
  catalog: Catalog,
  dir: string,
  options: WriteOptions = {},
): Promise<WriteStats> {
  await Deno.mkdir(dir, { recursive: true });
  const prefix = options.imagePathPrefix ?? "images/";
  await Deno.writeTextFile(
    `${dir}/products.jsonl`,
    jsonl(catalog.products.map((p) => productEvent(p, prefix))),
  );
  await Deno.writeTextFile(
    `${dir}/products-meta.jsonl`,
    jsonl(catalog.products.map(productMeta)),
  );
  const queries = options.layout === "demo"
    ? await writeDemoQueries(catalog, dir)
    : await writeSplits(catalog, dir);
  const images = await writeImages(catalog, dir, options);
  return {
    products: catalog.products.length,
    images: images.counts,
    imageBytes: images.bytes,
    queries,
  };
}
