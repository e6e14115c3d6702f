/**
 * Brief shopper queries (1–4 words) built from a product's attributes, and their
 * relevance: every product of the split whose canonical attributes satisfy the query's
 * constraints. Synonyms and variants map to canonical constraints, so "navy blue
 * sneakers" and "dark blue trainers" have the same relevant set; the bare family word
 * ("blue") matches every colour of that family (navy, light blue, …).
 */

import {
  BRANDS,
  COLOURS,
  GENDERS,
  MATERIALS,
  PATTERNS,
} from "./attributes_table.ts";
import type { DraftProduct, ProductAttrs } from "./product.ts";
import type { Rng } from "./rng.ts";
import { surfaceForms } from "./title.ts";
import { type Category, CATEGORY_WORDS } from "./types_table.ts";

/** Canonical constraints of a query; a product is relevant when it meets all of them. */
export interface QueryConstraints {
  /** Product type id. */
  readonly type?: string;
  /** Category id. */
  readonly category?: string;
  /** Exact colour id. */
  readonly colour?: string;
  /** Colour family. */
  readonly colourFamily?: string;
  /** Pattern id. */
  readonly pattern?: string;
  /** Material id. */
  readonly material?: string;
  /** Gender ("unisex" products satisfy "women" and "men"). */
  readonly gender?: string;
  /** Brand name. */
  readonly brand?: string;
}

/** A query with its constraints and surface text. */
export interface DraftQuery {
  readonly query: string;
  readonly constraints: QueryConstraints;
}

const FAMILIES = new Set(COLOURS.map((c) => c.family));
const FAMILY_ALIASES: Readonly<Record<string, string>> = { gray: "grey" };
const GENDERED = new Set(["fashion", "shoes", "bags", "accessories"]);
const PATTERN_BY_ID = new Map(PATTERNS.map((p) => [p.id, p]));

/** Whether a product's attributes satisfy the constraints. */
export function satisfies(a: ProductAttrs, c: QueryConstraints): boolean {
  if (c.type !== undefined && a.type !== c.type) return false;
  if (c.category !== undefined && a.category !== c.category) return false;
  if (c.colour !== undefined && a.colour !== c.colour) return false;
  if (c.colourFamily !== undefined && a.colourFamily !== c.colourFamily) {
    return false;
  }
  if (c.pattern !== undefined && a.pattern !== c.pattern) return false;
  if (c.material !== undefined && a.material !== c.material) return false;
  if (c.brand !== undefined && a.brand !== c.brand) return false;
  if (c.gender !== undefined) {
    const ok = a.gender === c.gender ||
      (a.gender === "unisex" && (c.gender === "women" || c.gender === "men"));
    if (!ok) return false;
  }
  return true;
}

type Part = { words: string; c: QueryConstraints };

function colourPart(p: DraftProduct, rng: Rng): Part {
  const name = rng.pick(surfaceForms(p).colourNames);
  const family = FAMILY_ALIASES[name] ?? name;
  if (FAMILIES.has(family)) return { words: name, c: { colourFamily: family } };
  if (rng.chance(0.25) && p.attrs.colourFamily !== p.attrs.colour) {
    return {
      words: p.attrs.colourFamily,
      c: { colourFamily: p.attrs.colourFamily },
    };
  }
  return { words: name, c: { colour: p.attrs.colour } };
}

function typePart(p: DraftProduct, rng: Rng): Part {
  const words = CATEGORY_WORDS[p.attrs.category as Category];
  if (words && rng.chance(0.12)) {
    return { words: rng.pick(words), c: { category: p.attrs.category } };
  }
  return {
    words: rng.pick(surfaceForms(p).typeNames),
    c: { type: p.attrs.type },
  };
}

function genderPart(p: DraftProduct, rng: Rng): Part | null {
  if (!GENDERED.has(p.attrs.category)) return null;
  const g = p.attrs.gender === "unisex"
    ? rng.pick(["women", "men"])
    : p.attrs.gender;
  const def = GENDERS.find((x) => x.id === g);
  return def ? { words: rng.pick(def.names), c: { gender: g } } : null;
}

function patternPart(p: DraftProduct, rng: Rng): Part | null {
  if (p.attrs.pattern === "solid") return null;
  const def = PATTERN_BY_ID.get(p.attrs.pattern);
  if (!def) return null;
  const names = p.unseen ? [...def.heldOut, ...def.names] : def.names;
  return { words: rng.pick(names), c: { pattern: p.attrs.pattern } };
}

function materialPart(p: DraftProduct, rng: Rng): Part {
  const names = MATERIALS[p.attrs.material] ?? [p.attrs.material];
  return {
    words: rng.pick(names.filter((n) => !n.includes("%"))),
    c: { material: p.attrs.material },
  };
}

const brandPart = (p: DraftProduct): Part => ({
  words: p.attrs.brand.toLowerCase(),
  c: { brand: p.attrs.brand },
});

type Template = (p: DraftProduct, rng: Rng) => (Part | null)[];

const TEMPLATES: readonly [Template, number][] = [
  [(p, r) => [typePart(p, r)], 10],
  [(p) => [brandPart(p)], 3],
  [(p, r) => [colourPart(p, r), typePart(p, r)], 20],
  [(p, r) => [brandPart(p), typePart(p, r)], 6],
  [(p, r) => [patternPart(p, r), typePart(p, r)], 6],
  [(p, r) => [materialPart(p, r), typePart(p, r)], 5],
  [(p, r) => [typePart(p, r), genderPart(p, r)], 4],
  [(p, r) => [genderPart(p, r), typePart(p, r)], 3],
  [(p, r) => [colourPart(p, r), typePart(p, r), genderPart(p, r)], 6],
  [(p, r) => [genderPart(p, r), colourPart(p, r), typePart(p, r)], 3],
  [(p, r) => [colourPart(p, r), patternPart(p, r), typePart(p, r)], 5],
  [(p, r) => [materialPart(p, r), typePart(p, r), genderPart(p, r)], 4],
  [(p, r) => [brandPart(p), colourPart(p, r), typePart(p, r)], 4],
  [(p, r) => [colourPart(p, r), materialPart(p, r), typePart(p, r)], 4],
  [
    (
      p,
      r,
    ) => [
      colourPart(p, r),
      materialPart(p, r),
      typePart(p, r),
      genderPart(p, r),
    ],
    3,
  ],
  [
    (
      p,
      r,
    ) => [brandPart(p), colourPart(p, r), typePart(p, r), genderPart(p, r)],
    2,
  ],
  [
    (
      p,
      r,
    ) => [
      colourPart(p, r),
      patternPart(p, r),
      typePart(p, r),
      genderPart(p, r),
    ],
    2,
  ],
];

/** Draws one query describing product `p`, or null when the template does not fit it. */
export function draftQuery(p: DraftProduct, rng: Rng): DraftQuery | null {
  const template = rng.weighted(
    TEMPLATES.map((t) => t[0]),
    TEMPLATES.map((t) => t[1]),
  );
  const parts = template(p, rng);
  if (parts.some((x) => x === null)) return null;
  const words: string[] = [];
  let constraints: QueryConstraints = {};
  for (const part of parts as Part[]) {
    words.push(part.words.toLowerCase());
    constraints = { ...constraints, ...part.c };
  }
  const query = words.join(" ");
  const tokens = query.split(" ");
  if (
    tokens.length < 1 || tokens.length > 4 ||
    new Set(tokens).size !== tokens.length
  ) return null;
  return { query, constraints };
}

/** Every brand name, for checks that unseen brands never leak into training data. */
export const ALL_BRANDS: readonly string[] = Object.values(BRANDS).flatMap((
  b,
) => [...b.seen, ...b.unseen]);
