/**
 * Retrieval evaluation of a MAKE bundle against baselines, through the service's own
 * encode, index and serve code.
 *
 * Input: products (upsert events), queries with relevant ids (and optionally the
 * relevant products whose colour is only in the image), a bundle folder; or a
 * real-photo dataset folder, from which queries, relevance, titles without colour and
 * an adapt/held-out split are derived from a seed (prepareDataset). Output: per
 * system and query group (all, 1/2/3/4+ words, colour in image only) the mean capped
 * recall@10 and @100, MRR@10 and nDCG@10, as a report object and Markdown tables,
 * plus image→image results for query-by-example sets.
 * Errors: malformed input files throw SyntaxError or RangeError; bundle problems throw
 * the encode stage's EncodeError; an unreadable image is counted as skipped (the product
 * is then encoded from its title, as the service does); an aborted signal rejects with
 * its reason.
 * @module
 */

export { normaliseColour } from "./colour.ts";
export {
  defaultWorkDir,
  readDataset,
  writeDatasetFiles,
} from "./dataset_files.ts";
export { formatReport } from "./report_text.ts";
export {
  type EvalProduct,
  type EvalQuery,
  type ImageQuery,
  parseProducts,
  parseQueries,
  parseSplit,
} from "./data.ts";
export { runEvaluation, SYSTEMS } from "./run.ts";
export { parseMeta, type ProductMeta } from "./weights.ts";
