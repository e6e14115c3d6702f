/**
 * Draws one synthetic product: type, attributes, split group, image plan and the
 * facts the title and query generators need (is the colour written in the title?).
 */

import {
  BRANDS,
  type ColourDef,
  COLOURS,
  MATERIALS,
  PATTERNS,
} from "./attributes_table.ts";
import type { ImagePlan } from "./render.ts";
import { hashSeed, type Rng } from "./rng.ts";
import { PRODUCT_TYPES, type ProductTypeDef } from "./types_table.ts";

/** Image file format of a rendered image. */
export type ImageFormat = "png" | "jpeg" | "gif";

/** Canonical attributes of a product (the ground truth of relevance). */
export interface ProductAttrs {
  /** Canonical product type id. */
  readonly type: string;
  /** Category of the type. */
  readonly category: string;
  /** Canonical colour id. */
  readonly colour: string;
  /** Colour family ("navy" → "blue"). */
  readonly colourFamily: string;
  /** Pattern id ("solid", "striped", …). */
  readonly pattern: string;
  /** Material id. */
  readonly material: string;
  /** "women", "men", "kids" or "unisex". */
  readonly gender: string;
  /** Brand name. */
  readonly brand: string;
}

/** One generated product before its title is written. */
export interface DraftProduct {
  readonly id: string;
  readonly index: number;
  readonly attrs: ProductAttrs;
  /** True when the product belongs to the unseen split (held-out brand and words). */
  readonly unseen: boolean;
  /** Whether the title names the colour; false means the colour is only in the image. */
  readonly colourInTitle: boolean;
  readonly image:
    | { readonly plan: ImagePlan; readonly format: ImageFormat }
    | null;
}

/** Probabilities that shape the catalogue. */
export interface ProductMix {
  /** Share of products in the unseen split. @default 0.1 */
  readonly unseenShare: number;
  /** Share of products without an image. @default 0.03 */
  readonly noImageShare: number;
  /** Share of products with an uninformative image (box or text card). @default 0.05 */
  readonly uninformativeShare: number;
  /** Share of products whose title omits the colour (image must show it). @default 0.3 */
  readonly colourOmittedShare: number;
  /** Relative weights of PNG, JPEG and GIF images. @default [0.7, 0.25, 0.05] */
  readonly formatWeights: readonly [number, number, number];
}

/** Attributes forced on a product (demo catalogues need some red dresses). */
export interface FixedAttrs {
  /** Product type id to use. */
  readonly type?: string;
  /** Colour id to use. */
  readonly colour?: string;
}

/** Options of draftProduct. */
export interface DraftOptions {
  readonly seed: number;
  /** The product's own random stream. */
  readonly rng: Rng;
  readonly mix: ProductMix;
  readonly fixed?: FixedAttrs;
}

/** Default mix. */
export const DEFAULT_MIX: ProductMix = {
  unseenShare: 0.1,
  noImageShare: 0.03,
  uninformativeShare: 0.05,
  colourOmittedShare: 0.3,
  formatWeights: [0.7, 0.25, 0.05],
};

const COLOUR_BY_ID = new Map(COLOURS.map((c) => [c.id, c]));

function pickType(rng: Rng, fixed: string | undefined): ProductTypeDef {
  if (fixed === undefined) return rng.pick(PRODUCT_TYPES);
  const type = PRODUCT_TYPES.find((t) => t.id === fixed);
  if (!type) throw new RangeError(`Unknown product type "${fixed}"`);
  return type;
}

function pickColour(
  rng: Rng,
  type: ProductTypeDef,
  fixed: string | undefined,
): ColourDef {
  const id = fixed ??
    (type.colours.length > 0 ? rng.pick(type.colours) : rng.pick(COLOURS).id);
  const colour = COLOUR_BY_ID.get(id);
  if (!colour) {
    throw new RangeError(`Unknown colour "${id}" in product type "${type.id}"`);
  }
  return colour;
}

function pickPattern(rng: Rng, type: ProductTypeDef): string {
  if (!type.patterned || rng.chance(0.5)) return "solid";
  return rng.pick(PATTERNS.slice(1)).id;
}

function pickImage(
  rng: Rng,
  mix: ProductMix,
): "none" | "product" | "box" | "card" {
  const r = rng.next();
  if (r < mix.noImageShare) return "none";
  if (r < mix.noImageShare + mix.uninformativeShare) {
    return rng.chance(0.5) ? "box" : "card";
  }
  return "product";
}

/** Draws product number `index` from its own random stream. */
export function draftProduct(
  index: number,
  options: DraftOptions,
): DraftProduct {
  const { seed, rng, mix } = options;
  const id = `p${String(index).padStart(6, "0")}`;
  const type = pickType(rng, options.fixed?.type);
  const colour = pickColour(rng, type, options.fixed?.colour);
  const pattern = pickPattern(rng, type);
  const unseen = rng.chance(mix.unseenShare);
  const brands = BRANDS[type.brandGroup];
  if (!brands) throw new RangeError(`Unknown brand group "${type.brandGroup}"`);
  const material = rng.pick(type.materials);
  if (!(material in MATERIALS)) {
    throw new RangeError(
      `Unknown material "${material}" in product type "${type.id}"`,
    );
  }
  const attrs: ProductAttrs = {
    type: type.id,
    category: type.category,
    colour: colour.id,
    colourFamily: colour.family,
    pattern,
    material,
    gender: rng.pick(type.genders),
    brand: rng.pick(unseen ? brands.unseen : brands.seen),
  };
  const kind = pickImage(rng, mix);
  const format: ImageFormat = rng.weighted(
    ["png", "jpeg", "gif"] as const,
    mix.formatWeights,
  );
  const image = kind === "none" ? null : {
    plan: {
      kind,
      typeId: type.id,
      rgb: colour.rgb,
      pattern,
      seed: hashSeed(seed, "img", index),
    },
    format,
  };
  const colourInTitle = kind !== "product" ||
    !rng.chance(mix.colourOmittedShare);
  return { id, index, attrs, unseen, colourInTitle, image };
}
