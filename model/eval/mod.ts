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

export { Bm25Titles, foldPlural, type TitleDoc } from "./bm25.ts";
export {
  colourMatches,
  mentionsColour,
  normaliseColour,
  stripColour,
} from "./colour.ts";
export {
  type DatasetKind,
  type DatasetProduct,
  type ImageQuery,
  parseDatasetProducts,
  prepareDataset,
  type PreparedDataset,
  type PrepareOptions,
} from "./dataset.ts";
export {
  type DatasetFiles,
  defaultWorkDir,
  readDataset,
  writeDatasetFiles,
} from "./dataset_files.ts";
export {
  formatImageToImage,
  type ImageToImageResult,
} from "./image_queries.ts";
export { formatReport } from "./report_text.ts";
export {
  type EvalProduct,
  type EvalQuery,
  parseProducts,
  parseQueries,
  parseSplit,
} from "./data.ts";
export {
  meanMetrics,
  METRIC_NAMES,
  mrrAt,
  ndcgAt,
  type QueryMetrics,
  queryMetrics,
  recallAt,
} from "./metrics.ts";
export {
  formatSummary,
  formatTables,
  formatTagSummary,
  type GroupName,
  type GroupResult,
  GROUPS,
  scoreSystem,
  type SystemResult,
} from "./report.ts";
export {
  type EvalReport,
  runEvaluation,
  type RunOptions,
  SYSTEMS,
} from "./run.ts";
export type { EncoderDevice } from "../../encode/mod.ts";
export {
  type ImageWeight,
  parseMeta,
  type ProductMeta,
  summariseWeights,
  type WeightGroup,
} from "./weights.ts";
