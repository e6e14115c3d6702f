/**
 * The demo catalogue shipped in samples/: a small catalogue (all one split) with a few
 * featured products forced in, so that a search for "red dress" has red dresses to find.
 */

import { type Catalog, generateCatalog } from "./generate.ts";
import type { FixedAttrs } from "./product.ts";

/** Options of generateDemoCatalog. */
export interface DemoOptions {
  /** Number of products. @default 240 */
  readonly products?: number;
  /** Seed. @default 2026 */
  readonly seed?: number;
}

const FEATURED: readonly [string, string, number][] = [
  ["dress", "red", 6],
  ["dress", "burgundy", 2],
  ["dress", "navy", 2],
  ["dress", "black", 1],
  ["dress", "pink", 1],
  ["sneakers", "navy", 2],
  ["sneakers", "red", 1],
  ["sneakers", "white", 1],
  ["watch", "black", 2],
  ["handbag", "red", 1],
  ["t-shirt", "red", 1],
];

/** Attributes of the featured products, in order. */
export const DEMO_FEATURED: readonly FixedAttrs[] = FEATURED.flatMap((
  [type, colour, n],
) => Array.from({ length: n }, () => ({ type, colour })));

/** Generates the demo catalogue: no unseen brands, every product in "train". */
export function generateDemoCatalog(options: DemoOptions = {}): Catalog {
  return generateCatalog({
    products: options.products ?? 240,
    seed: options.seed ?? 2026,
    mix: { unseenShare: 0, formatWeights: [0.4, 0.4, 0.2] },
    evalShare: 0,
    trainQueriesPerProduct: 0.6,
    fixed: DEMO_FEATURED,
  });
}
