/**
 * Pure catalogue generation: products (attributes, titles, image plans), splits by
 * product and per-split queries with relevance computed from attributes.
 */

import {
  DEFAULT_MIX,
  type DraftProduct,
  draftProduct,
  type FixedAttrs,
  type ImageFormat,
  type ProductAttrs,
  type ProductMix,
} from "./product.ts";
import { draftQuery, type QueryConstraints, satisfies } from "./queries.ts";
import type { ImagePlan } from "./render.ts";
import { Rng } from "./rng.ts";
import { writeTitle } from "./title.ts";
import { catalogVocabulary } from "./vocabulary.ts";

/** Split names. */
export type SplitName = "train" | "val" | "test" | "unseen";

/** All split names in file order. */
export const SPLITS: readonly SplitName[] = ["train", "val", "test", "unseen"];

/** Options of generateCatalog. */
export interface CatalogOptions {
  /** Number of products. */
  readonly products: number;
  /** Seed; the same seed gives the same catalogue. */
  readonly seed: number;
  /** Overrides of the product mix. */
  readonly mix?: Partial<ProductMix>;
  /** Query draws per product in the train split. @default 2 */
  readonly trainQueriesPerProduct?: number;
  /** Query draws per product in the val, test and unseen splits. @default 1 */
  readonly evalQueriesPerProduct?: number;
  /** Attributes forced on the first products, one entry per product. */
  readonly fixed?: readonly FixedAttrs[];
  /** Share of non-unseen products in val and in test. @default 0.1 */
  readonly evalShare?: number;
}

/** A generated product. */
export interface CatalogProduct {
  /** Product id ("p000042"). */
  readonly id: string;
  /** Marketplace title. */
  readonly title: string;
  /** Canonical attributes (ground truth of relevance). */
  readonly attrs: ProductAttrs;
  /** The split the product belongs to. */
  readonly split: SplitName;
  /** False when the colour is only visible in the image. */
  readonly colourInTitle: boolean;
  /** Image plan and file format, or null when the product has no image. */
  readonly image:
    | { readonly plan: ImagePlan; readonly format: ImageFormat }
    | null;
}

/** A generated query with its relevant products. */
export interface CatalogQuery {
  /** Query id ("test-00042"). */
  readonly qid: string;
  /** Query text, 1–4 words. */
  readonly query: string;
  /** Canonical constraints the relevant products satisfy. */
  readonly constraints: QueryConstraints;
  /** Every product of the split that satisfies the constraints, in id order. */
  readonly relevant: readonly string[];
  /** Relevant products whose title does not name the colour (colour queries only). */
  readonly imageOnly: readonly string[];
  /**
   * Kinds of query, for grouped evaluation: "brand", "colour", "pattern", "material",
   * "gender", "category", and "held-out word" when it uses a word never seen in train.
   */
  readonly tags: readonly string[];
}

/** A whole catalogue. */
export interface Catalog {
  /** Seed it was generated from. */
  readonly seed: number;
  /** Every product, in id order. */
  readonly products: readonly CatalogProduct[];
  /** Product ids per split. */
  readonly splits: Readonly<Record<SplitName, readonly string[]>>;
  /** Queries per split. */
  readonly queries: Readonly<Record<SplitName, readonly CatalogQuery[]>>;
}

function assignSplit(p: DraftProduct, rng: Rng, evalShare: number): SplitName {
  if (p.unseen) return "unseen";
  const r = rng.next();
  return r < evalShare ? "val" : r < 2 * evalShare ? "test" : "train";
}

function relevantTo(
  c: QueryConstraints,
  products: readonly CatalogProduct[],
  byType: Map<string, CatalogProduct[]>,
): CatalogProduct[] {
  const pool = c.type !== undefined ? byType.get(c.type) ?? [] : products;
  return pool.filter((p) => satisfies(p.attrs, c));
}

const HELD_OUT = catalogVocabulary().filter((t) =>
  t.heldOut && t.type !== "brand"
)
  .map((t) => ` ${t.term} `);

function queryTags(query: string, c: QueryConstraints): string[] {
  const tags: string[] = [];
  if (c.brand !== undefined) tags.push("brand");
  if (c.colour !== undefined || c.colourFamily !== undefined) {
    tags.push("colour");
  }
  if (c.pattern !== undefined) tags.push("pattern");
  if (c.material !== undefined) tags.push("material");
  if (c.gender !== undefined) tags.push("gender");
  if (c.category !== undefined) tags.push("category");
  const padded = ` ${query} `;
  if (HELD_OUT.some((w) => padded.includes(w))) tags.push("held-out word");
  return tags;
}

function splitQueries(
  split: SplitName,
  products: readonly CatalogProduct[],
  drafts: ReadonlyMap<string, DraftProduct>,
  rng: Rng,
  perProduct: number,
): CatalogQuery[] {
  const byType = new Map<string, CatalogProduct[]>();
  for (const p of products) {
    byType.set(p.attrs.type, [...(byType.get(p.attrs.type) ?? []), p]);
  }
  const seen = new Set<string>();
  const out: CatalogQuery[] = [];
  const draws = Math.round(products.length * perProduct);
  for (let i = 0; i < draws && products.length > 0; i++) {
    const source = rng.pick(products);
    const draft = drafts.get(source.id);
    const q = draft ? draftQuery(draft, rng) : null;
    if (!q || seen.has(q.query)) continue;
    seen.add(q.query);
    const rel = relevantTo(q.constraints, products, byType);
    const hasColour = q.constraints.colour !== undefined ||
      q.constraints.colourFamily !== undefined;
    out.push({
      qid: `${split}-${String(out.length + 1).padStart(5, "0")}`,
      query: q.query,
      constraints: q.constraints,
      relevant: rel.map((p) => p.id),
      imageOnly: hasColour
        ? rel.filter((p) => !p.colourInTitle).map((p) => p.id)
        : [],
      tags: queryTags(q.query, q.constraints),
    });
  }
  return out;
}

function checkOptions(options: CatalogOptions): void {
  if (!Number.isInteger(options.products) || options.products < 1) {
    throw new RangeError(
      `Cannot generate catalogue: products must be a positive integer, got "${options.products}"`,
    );
  }
  if (!Number.isInteger(options.seed)) {
    throw new RangeError(
      `Cannot generate catalogue: seed must be an integer, got "${options.seed}"`,
    );
  }
}

function draftAll(
  options: CatalogOptions,
): { drafts: Map<string, DraftProduct>; products: CatalogProduct[] } {
  const mix = { ...DEFAULT_MIX, ...options.mix };
  const drafts = new Map<string, DraftProduct>();
  const products: CatalogProduct[] = [];
  for (let i = 1; i <= options.products; i++) {
    const rng = new Rng(options.seed, "product", i);
    const fixed = options.fixed?.[i - 1];
    const d = draftProduct(i, { seed: options.seed, rng, mix, fixed });
    drafts.set(d.id, d);
    const split = assignSplit(d, rng, options.evalShare ?? 0.1);
    products.push({
      id: d.id,
      title: writeTitle(d, rng),
      attrs: d.attrs,
      split,
      colourInTitle: d.colourInTitle,
      image: d.image,
    });
  }
  return { drafts, products };
}

/** Generates a catalogue; pure and deterministic for a seed. */
export function generateCatalog(options: CatalogOptions): Catalog {
  checkOptions(options);
  const { drafts, products } = draftAll(options);
  const splits = {} as Record<SplitName, string[]>;
  const queries = {} as Record<SplitName, CatalogQuery[]>;
  for (const split of SPLITS) {
    const members = products.filter((p) => p.split === split);
    splits[split] = members.map((p) => p.id);
    const per = split === "train"
      ? options.trainQueriesPerProduct ?? 2
      : options.evalQueriesPerProduct ?? 1;
    const rng = new Rng(options.seed, "queries", split);
    queries[split] = splitQueries(split, members, drafts, rng, per);
  }
  return { seed: options.seed, products, splits, queries };
}
