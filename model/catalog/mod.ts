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

export { type Catalog, generateCatalog } from "./generate.ts";
export { encodeBitmap } from "./encode_image.ts";
export { generateDemoCatalog } from "./demo.ts";
export { catalogVocabulary } from "./vocabulary.ts";
export { writeCatalog } from "./write.ts";
export { COLOURS } from "./attributes_table.ts";
