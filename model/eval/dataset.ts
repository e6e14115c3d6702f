/**
 * Real-photo datasets as evaluation sets: reads a dataset's products.jsonl (upsert
 * events with attributes), and derives from a seed, deterministically, the titles
 * indexed (IKEA: the colour removed from half of the coloured products), an optional
 * adapt/held-out split, shopper-style queries with relevance from the attributes, and
 * (grocery) image→image queries.
 */

import { mulberry32 } from "../../random.ts";
import { normaliseColour, stripColour } from "./colour.ts";
import type { DatasetProduct, EvalQuery, ImageQuery } from "./data.ts";
import {
  groceryImageQueries,
  groceryQueries,
  ikeaQueries,
} from "./dataset_queries.ts";

/** Which attributes a dataset has: IKEA (type, colour) or grocery (class, coarse_class). */
export type DatasetKind = "ikea" | "grocery";

/** Options of prepareDataset. */
export interface PrepareOptions {
  /** Seed of every random choice. @default 1 */
  readonly seed?: number;
  /**
   * Share of the products (IKEA) or classes (grocery) held out, in [0, 1); the rest is
   * the adapt part and only the held-out part is evaluated. 0 evaluates everything.
   * @default 0
   */
  readonly holdout?: number;
  /** Give every product the same title ("product"): images carry all the signal. @default false */
  readonly sameTitle?: boolean;
  /** Leave every image out: titles carry all the signal. @default false */
  readonly noImages?: boolean;
}

/** A dataset ready to evaluate. */
export interface PreparedDataset {
  /** Which attributes the dataset has. */
  readonly kind: DatasetKind;
  /** Every product with the title it is indexed under (attributes kept for reference). */
  readonly products: readonly DatasetProduct[];
  /** `{"all": ids}`, or `{"adapt": ids, "holdout": ids}` with a hold-out share. */
  readonly splits: Readonly<Record<string, readonly string[]>>;
  /** The split evaluated: "all" or "holdout". */
  readonly evalSplit: "all" | "holdout";
  /** Ids of the products whose title lost its colour. */
  readonly colourStripped: readonly string[];
  /** Text queries over the evaluated products. */
  readonly queries: readonly EvalQuery[];
  /** Image→image queries over the evaluated products (grocery; empty for IKEA). */
  readonly imageQueries: readonly ImageQuery[];
}

/** The title every product gets with `sameTitle`. */
export const SAME_TITLE = "product";

function toProduct(row: unknown, line: number, file: string): DatasetProduct {
  const r = row as Record<string, unknown>;
  const image = r?.image as Record<string, unknown> | undefined;
  const attrs = r?.attrs as Record<string, unknown> | undefined;
  if (
    r?.op !== "upsert" || typeof r.id !== "string" ||
    typeof r.title !== "string" || typeof image?.path !== "string" ||
    typeof attrs !== "object" || attrs === null ||
    !Object.values(attrs).every((v) => typeof v === "string")
  ) {
    throw new SyntaxError(
      `Cannot read product on line ${line} of "${file}": expected {"op":"upsert","id","title","image":{"path"},"attrs":{name: string}}`,
    );
  }
  return {
    id: r.id,
    title: r.title,
    image: { path: image.path },
    attrs: attrs as Record<string, string>,
  };
}

/** Parses a dataset's products.jsonl; ids must be unique. */
export function parseDatasetProducts(
  text: string,
  file = "products.jsonl",
): DatasetProduct[] {
  const out: DatasetProduct[] = [];
  const seen = new Set<string>();
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (err: unknown) {
      throw new SyntaxError(
        `Cannot parse "${file}" line ${i + 1}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const p = toProduct(row, i + 1, file);
    if (seen.has(p.id)) {
      throw new SyntaxError(
        `Cannot read "${file}" line ${i + 1}: duplicate id "${p.id}"`,
      );
    }
    seen.add(p.id);
    out.push(p);
  });
  return out;
}

/** The dataset's kind, from the attributes every product has. */
export function datasetKind(products: readonly DatasetProduct[]): DatasetKind {
  if (products.length === 0) {
    throw new RangeError("Cannot evaluate the dataset: it has no products");
  }
  if (products.every((p) => p.attrs.type !== undefined)) return "ikea";
  if (products.every((p) => p.attrs.class && p.attrs.coarse_class)) {
    return "grocery";
  }
  throw new RangeError(
    'Cannot evaluate the dataset: every product needs attrs "type" (IKEA) or "class" and "coarse_class" (grocery)',
  );
}

/** A seeded Fisher–Yates shuffle (a copy). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const rand = mulberry32(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** The ids of the products whose colour leaves the title: half of those with a colour. */
function pickStripped(
  products: readonly DatasetProduct[],
  seed: number,
): Set<string> {
  const coloured = products.filter((p) =>
    normaliseColour(p.attrs.colour ?? "") !== null
  ).map((p) => p.id);
  return new Set(
    shuffled(coloured, seed).slice(0, Math.floor(coloured.length / 2)),
  );
}

function split(
  products: readonly DatasetProduct[],
  kind: DatasetKind,
  holdout: number,
  seed: number,
): Record<string, string[]> {
  const ids = products.map((p) => p.id);
  if (holdout === 0) return { all: ids };
  // grocery holds out whole classes, so every held-out class keeps its iconic image
  const group = (p: DatasetProduct) =>
    kind === "grocery" ? p.attrs.class ?? p.id : p.id;
  const groups = [...new Set(products.map(group))];
  const held = new Set(
    shuffled(groups, seed).slice(0, Math.round(groups.length * holdout)),
  );
  return {
    adapt: products.filter((p) => !held.has(group(p))).map((p) => p.id),
    holdout: products.filter((p) => held.has(group(p))).map((p) => p.id),
  };
}

function checkOptions(o: PrepareOptions): { seed: number; holdout: number } {
  const seed = o.seed ?? 1;
  const holdout = o.holdout ?? 0;
  if (!Number.isInteger(seed) || seed < 0) {
    throw new RangeError(
      `Cannot prepare the dataset: seed must be a non-negative integer, got ${seed}`,
    );
  }
  if (o.sameTitle && o.noImages) {
    throw new RangeError(
      "Cannot prepare the dataset: sameTitle and noImages leave nothing to find",
    );
  }
  if (!(holdout >= 0 && holdout < 1)) {
    throw new RangeError(
      `Cannot prepare the dataset: holdout must be in [0, 1), got ${holdout}`,
    );
  }
  return { seed, holdout };
}

/** Derives titles, split and queries from a dataset's products (pure, deterministic). */
export function prepareDataset(
  products: readonly DatasetProduct[],
  options: PrepareOptions = {},
): PreparedDataset {
  const { seed, holdout } = checkOptions(options);
  const kind = datasetKind(products);
  const stripped = kind === "ikea" ? pickStripped(products, seed) : new Set();
  const indexed = products.map((p) => ({
    ...p,
    image: options.noImages ? null : p.image,
    title: options.sameTitle
      ? SAME_TITLE
      : stripped.has(p.id)
      ? stripColour(p.title, p.attrs.colour ?? "")
      : p.title,
  }));
  const splits = split(indexed, kind, holdout, seed + 1);
  const evalSplit = holdout === 0 ? "all" : "holdout";
  const keep = new Set(splits[evalSplit]);
  const evaluated = indexed.filter((p) => keep.has(p.id));
  return {
    kind,
    products: indexed,
    splits,
    evalSplit,
    colourStripped: products.filter((p) => stripped.has(p.id)).map((p) => p.id),
    queries: kind === "ikea"
      ? ikeaQueries(evaluated)
      : groceryQueries(evaluated),
    imageQueries: kind === "grocery" ? groceryImageQueries(evaluated) : [],
  };
}
