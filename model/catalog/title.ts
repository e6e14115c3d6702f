/**
 * Writes noisy marketplace titles: brand, marketing words, gender, colour, pattern,
 * material, descriptors, the type under one of its names, sizes and keyword stuffing.
 * Some titles are only lowercase keywords. A title never names a colour when the
 * product's colour is meant to be visible only in the image.
 */

import {
  COLOURS,
  GENDERS,
  MARKETING,
  MATERIALS,
  OCCASIONS,
  PATTERNS,
} from "./attributes_table.ts";
import type { DraftProduct } from "./product.ts";
import type { Rng } from "./rng.ts";
import { PRODUCT_TYPES } from "./types_table.ts";

const TYPE_BY_ID = new Map(PRODUCT_TYPES.map((t) => [t.id, t]));
const COLOUR_BY_ID = new Map(COLOURS.map((c) => [c.id, c]));
const PATTERN_BY_ID = new Map(PATTERNS.map((p) => [p.id, p]));
const GENDER_BY_ID = new Map(GENDERS.map((g) => [g.id, g]));

/** Surface forms of a product's attributes, held-out forms allowed in the unseen split. */
export interface SurfaceForms {
  readonly typeNames: readonly string[];
  readonly colourNames: readonly string[];
  readonly patternNames: readonly string[];
}

/** The surface forms available for a product (held-out words only when unseen). */
export function surfaceForms(product: DraftProduct): SurfaceForms {
  const type = TYPE_BY_ID.get(product.attrs.type);
  const colour = COLOUR_BY_ID.get(product.attrs.colour);
  const pattern = PATTERN_BY_ID.get(product.attrs.pattern);
  if (!type || !colour || !pattern) {
    throw new RangeError(
      `Cannot describe product "${product.id}": unknown attribute`,
    );
  }
  const extra = (
    names: readonly string[],
    held: readonly string[],
  ) => (product.unseen ? [...held, ...held, ...names] : [...names]);
  return {
    typeNames: extra(type.names, type.heldOut),
    colourNames: extra(colour.names, colour.heldOut),
    patternNames: extra(
      pattern.names.filter((n) => n !== "solid colour"),
      pattern.heldOut,
    ),
  };
}

const titleCase = (s: string): string =>
  s.replace(
    /(^|[\s-])([a-z])/g,
    (_m, a: string, b: string) => a + b.toUpperCase(),
  );

function marketplaceTitle(
  p: DraftProduct,
  rng: Rng,
  forms: SurfaceForms,
): string {
  const type = TYPE_BY_ID.get(p.attrs.type);
  if (!type) throw new RangeError(`Unknown product type "${p.attrs.type}"`);
  const words: string[] = [];
  const brand = rng.chance(0.15) ? p.attrs.brand.toUpperCase() : p.attrs.brand;
  if (rng.chance(0.9)) words.push(brand);
  for (let i = rng.int(0, 2); i > 0; i--) words.push(rng.pick(MARKETING));
  const gender = GENDER_BY_ID.get(p.attrs.gender);
  if (gender && p.attrs.gender !== "unisex" || rng.chance(0.2)) {
    words.push(rng.pick(gender?.titleNames ?? ["Unisex"]));
  }
  if (p.colourInTitle) words.push(titleCase(rng.pick(forms.colourNames)));
  if (p.attrs.pattern !== "solid" && rng.chance(0.85)) {
    words.push(titleCase(rng.pick(forms.patternNames)));
  }
  if (rng.chance(0.6)) {
    words.push(
      titleCase(rng.pick(MATERIALS[p.attrs.material] ?? [p.attrs.material])),
    );
  }
  for (let i = rng.int(0, 2); i > 0; i--) {
    words.push(rng.pick(type.descriptors));
  }
  words.push(titleCase(rng.pick(forms.typeNames)));
  if (rng.chance(0.6)) words.push(rng.pick(type.sizes));
  for (let i = rng.int(0, 3); i > 0; i--) words.push(rng.pick(OCCASIONS));
  if (rng.chance(0.4)) words.push(titleCase(rng.pick(forms.typeNames)));
  if (rng.chance(0.3)) words.push(rng.pick(MARKETING));
  const sep = rng.weighted([" ", " - ", ", ", " | "], [0.7, 0.1, 0.1, 0.1]);
  const head = words.slice(0, 2).join(" ");
  return [head, ...words.slice(2)].join(rng.chance(0.8) ? " " : sep);
}

function keywordTitle(p: DraftProduct, rng: Rng, forms: SurfaceForms): string {
  const type = TYPE_BY_ID.get(p.attrs.type);
  const words = new Set<string>();
  for (let i = rng.int(1, 3); i > 0; i--) words.add(rng.pick(forms.typeNames));
  if (p.colourInTitle) words.add(rng.pick(forms.colourNames));
  if (p.attrs.pattern !== "solid") words.add(rng.pick(forms.patternNames));
  if (p.attrs.gender !== "unisex") {
    words.add(rng.pick(GENDER_BY_ID.get(p.attrs.gender)?.names ?? []));
  }
  words.add(rng.pick(MATERIALS[p.attrs.material] ?? [p.attrs.material]));
  if (type) words.add(rng.pick(type.descriptors).toLowerCase());
  for (let i = rng.int(1, 4); i > 0; i--) {
    words.add(rng.pick(OCCASIONS).replace("for ", "").toLowerCase());
  }
  if (rng.chance(0.6)) words.add(p.attrs.brand.toLowerCase());
  return rng.shuffle([...words]).join(" ");
}

function cleanTitle(p: DraftProduct, rng: Rng, forms: SurfaceForms): string {
  const parts = [p.attrs.brand];
  if (p.colourInTitle) parts.push(titleCase(rng.pick(forms.colourNames)));
  parts.push(titleCase(rng.pick(forms.typeNames)));
  return parts.join(" ");
}

/** Writes the product's title. */
export function writeTitle(p: DraftProduct, rng: Rng): string {
  const forms = surfaceForms(p);
  const style = rng.weighted(["market", "keywords", "clean"] as const, [
    0.75,
    0.15,
    0.1,
  ]);
  const title = style === "market"
    ? marketplaceTitle(p, rng, forms)
    : style === "keywords"
    ? keywordTitle(p, rng, forms)
    : cleanTitle(p, rng, forms);
  return rng.chance(0.05) ? title.toLowerCase() : title;
}
