/**
 * Reads a real-photo dataset folder and writes the evaluation set derived from it to a
 * work folder (docs/EVAL.md, "Real photos"): products.jsonl (the indexed titles, no
 * attributes), products-adapt.jsonl (with a hold-out share), queries.jsonl,
 * image-queries.jsonl (grocery), splits.json and dataset.json.
 */

import { basename, join, resolve } from "node:path";
import {
  parseDatasetProducts,
  prepareDataset,
  type PreparedDataset,
  type PrepareOptions,
} from "./dataset.ts";

/** Where the work files went. */
export interface DatasetFiles {
  /** The work folder. */
  readonly dir: string;
  /** products.jsonl: every product as indexed (no attrs). */
  readonly products: string;
  /** products-adapt.jsonl: the adapt part (only with a hold-out share). */
  readonly adaptProducts?: string;
  /** queries.jsonl over the evaluated products. */
  readonly queries: string;
  /** image-queries.jsonl (empty for IKEA). */
  readonly imageQueries: string;
  /** splits.json. */
  readonly splits: string;
  /** dataset.json: options, counts, image base and the colour-stripped ids. */
  readonly manifest: string;
  /** Folder the products' relative image paths resolve against (the dataset folder). */
  readonly imageBase: string;
}

/** The default work folder of a dataset and its options, under data/eval/. */
export function defaultWorkDir(datasetDir: string, o: PrepareOptions): string {
  const name = basename(resolve(datasetDir));
  const holdout = o.holdout ? `-h${o.holdout}` : "";
  const same = o.sameTitle ? "-same-title" : "";
  const noImages = o.noImages ? "-no-images" : "";
  return join(
    "data",
    "eval",
    `${name}-s${o.seed ?? 1}${holdout}${same}${noImages}`,
  );
}

/** Reads `<dir>/products.jsonl` and prepares it. */
export async function readDataset(
  datasetDir: string,
  options: PrepareOptions,
): Promise<PreparedDataset> {
  const file = join(datasetDir, "products.jsonl");
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (err: unknown) {
    throw new TypeError(
      `Cannot read dataset "${datasetDir}": ${(err as Error).message}`,
      { cause: err },
    );
  }
  return prepareDataset(parseDatasetProducts(text, file), options);
}

const jsonl = (rows: readonly unknown[]) =>
  rows.map((r) => JSON.stringify(r) + "\n").join("");

/** Writes the work files of a prepared dataset (overwriting earlier ones). */
export async function writeDatasetFiles(
  d: PreparedDataset,
  options: { workDir: string; datasetDir: string; prepare: PrepareOptions },
): Promise<DatasetFiles> {
  const dir = options.workDir;
  await Deno.mkdir(dir, { recursive: true });
  // attributes are left out: they are the relevance labels (and name the stripped colours)
  const event = (p: PreparedDataset["products"][number]) => ({
    op: "upsert",
    id: p.id,
    title: p.title,
    ...(p.image ? { image: p.image } : {}),
  });
  const files: DatasetFiles = {
    dir,
    products: join(dir, "products.jsonl"),
    adaptProducts: d.splits.adapt
      ? join(dir, "products-adapt.jsonl")
      : undefined,
    queries: join(dir, "queries.jsonl"),
    imageQueries: join(dir, "image-queries.jsonl"),
    splits: join(dir, "splits.json"),
    manifest: join(dir, "dataset.json"),
    imageBase: resolve(options.datasetDir),
  };
  await Deno.writeTextFile(files.products, jsonl(d.products.map(event)));
  if (files.adaptProducts) {
    const adapt = new Set(d.splits.adapt);
    await Deno.writeTextFile(
      files.adaptProducts,
      jsonl(d.products.filter((p) => adapt.has(p.id)).map(event)),
    );
  }
  await Deno.writeTextFile(files.queries, jsonl(d.queries));
  await Deno.writeTextFile(files.imageQueries, jsonl(d.imageQueries));
  await Deno.writeTextFile(files.splits, JSON.stringify(d.splits) + "\n");
  await Deno.writeTextFile(
    files.manifest,
    JSON.stringify(
      {
        dataset: resolve(options.datasetDir),
        kind: d.kind,
        seed: options.prepare.seed ?? 1,
        holdout: options.prepare.holdout ?? 0,
        sameTitle: options.prepare.sameTitle ?? false,
        noImages: options.prepare.noImages ?? false,
        evalSplit: d.evalSplit,
        imageBase: files.imageBase,
        products: d.products.length,
        evaluated: d.splits[d.evalSplit]?.length ?? 0,
        queries: d.queries.length,
        imageQueries: d.imageQueries.length,
        colourStripped: d.colourStripped,
      },
      null,
      2,
    ) + "\n",
  );
  return files;
}
