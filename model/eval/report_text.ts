/**
 * The text report `deno task eval` prints: header lines, summary tables by query
 * group and tag, Modal Adaptation weights, image→image results and the full tables.
 */

import { formatImageToImage } from "./image_queries.ts";
import { formatSummary, formatTables, formatTagSummary } from "./report.ts";
import type { EvalReport } from "./run.ts";

/** Formats a report as Markdown-ish text for stdout. */
export function formatReport(report: EvalReport): string {
  const { model } = report;
  const lines = [
    `model ${model.name} ${model.version} (${model.dir}), KE alpha ${model.alpha}, device ${report.device}`,
    `${report.products} products (${report.productsWithImage} with a usable image), ${report.queries} queries`,
    `index: ${JSON.stringify(report.index)}`,
    `images skipped: ${JSON.stringify(report.imagesSkipped)}; timings ms: ${
      JSON.stringify(report.timingsMs)
    }`,
    "",
    "recall@10 (capped) by query group:",
    "",
    formatSummary(report.results, "recall10"),
    "nDCG@10 by query group:",
    "",
    formatSummary(report.results, "ndcg10"),
    "MRR@10 by query group:",
    "",
    formatSummary(report.results, "mrr10"),
    "recall@10 (capped) by query tag:",
    "",
    formatTagSummary(report.results, "recall10"),
    "Modal Adaptation: mean image weight by product group:",
    "",
    ...Object.entries(report.modalWeights).map(([g, w]) =>
      `  ${g.padEnd(28)} ${String(w.products).padStart(6)}  ${
        w.meanImageWeight.toFixed(3)
      }`
    ),
    "",
  ];
  if (report.imageToImage) {
    lines.push(
      `Image → image (query: a product's image; itself left out; ${report.imageToImage.withoutImage} queries without a usable image left out):`,
      "",
      formatImageToImage(report.imageToImage),
    );
  }
  lines.push(formatTables(report.results));
  return lines.join("\n");
}
