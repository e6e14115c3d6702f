/**
 * Synthetic product catalogue for training and evaluating the MAKE model.
 *
 * Input: a product count and a seed. Output (generateCatalog, pure and deterministic):
 * products with canonical attributes, noisy marketplace titles and image plans; splits
 * by product (train, val, test, and "unseen" whose brands and some words never occur in
 * train); brief shopper queries per split whose relevant sets are every product of the
 * split satisfying the query's attributes. writeCatalog renders and encodes the images
 * (PNG, JPEG, GIF via imagescript) and writes the files described in docs/EVAL.md.
 * Errors: RangeError for invalid options; file errors propagate; an aborted signal stops
 * writing between images with the signal's reason.
 * @module
 */

export {
  type Catalog,
  type CatalogOptions,
  type CatalogProduct,
  type CatalogQuery,
  generateCatalog,
  type SplitName,
  SPLITS,
} from "./generate.ts";
export {
  DEFAULT_MIX,
  type FixedAttrs,
  type ImageFormat,
  type ProductAttrs,
  type ProductMix,
} from "./product.ts";
export { type QueryConstraints, satisfies } from "./queries.ts";
export {
  type Bitmap,
  type ImagePlan,
  renderImage,
  SHAPE_IDS,
} from "./render.ts";
export { encodeBitmap } from "./encode_image.ts";
export {
  DEMO_FEATURED,
  type DemoOptions,
  generateDemoCatalog,
} from "./demo.ts";
export { catalogVocabulary, type VocabularyTerm } from "./vocabulary.ts";
export {
  productEvent,
  productMeta,
  queryLine,
  writeCatalog,
  type WriteOptions,
  type WriteStats,
} from "./write.ts";
export {
  type ColourDef,
  COLOURS,
  type GenderDef,
  GENDERS,
  MATERIALS,
  type PatternDef,
  PATTERNS,
} from "./attributes_table.ts";
export {
  type Category,
  PRODUCT_TYPES,
  type ProductTypeDef,
} from "./types_table.ts";
