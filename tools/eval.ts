/**
 * Evaluates a model bundle against baselines through the service's own code:
 *   deno task eval --products FILE --queries FILE [--model DIR] [--split NAME]
 *     [--splits FILE] [--image-base DIR] [--json FILE] [--device auto|wasm|native|webgpu]
 *     [--compare NAME=DIR …] [--meta FILE]
 * --split restricts the products to one split of splits.json (default: the splits.json
 * beside the products file), so relevance lists cover every indexed product. Relative
 * image paths are read from --image-base (default: the products file's folder when the
 * first image is found there, else the working directory). Each --compare adds the
 * served ranking of another bundle (e.g. trained with --no-keywords). --meta FILE
 * (default: products-meta.jsonl beside the products file, if present) groups the Modal
 * Adaptation weights by image kind, colour-in-title and category. Prints tables on
 * stdout and progress on stderr; --json writes the full report.
 */

import { parseCli, usageError } from "./_cli.ts";
import process from "node:process";
import { dirname, join } from "node:path";
import type { EncoderDevice } from "../encode/mod.ts";
import type { ProductMeta } from "../model/eval/mod.ts";
import {
  formatSummary,
  formatTables,
  formatTagSummary,
  parseMeta,
  parseProducts,
  parseQueries,
  parseSplit,
  runEvaluation,
} from "../model/eval/mod.ts";

const USAGE =
  `Usage: deno task eval --products FILE --queries FILE [--model DIR] [--split NAME]
  [--splits FILE] [--image-base DIR] [--json FILE] [--device auto|wasm|native|webgpu]
  [--compare NAME=DIR …] [--meta FILE]
Evaluates a model bundle against baselines (see docs/EVAL.md).`;

const { values } = parseCli(USAGE, {
  args: Deno.args,
  options: {
    products: { type: "string" },
    queries: { type: "string" },
    model: { type: "string", default: "model/default" },
    split: { type: "string" },
    splits: { type: "string" },
    "image-base": { type: "string" },
    json: { type: "string" },
    device: { type: "string", default: "auto" },
    compare: { type: "string", multiple: true, default: [] },
    meta: { type: "string" },
  },
});
if (!values.products || !values.queries) {
  usageError(
    "Cannot evaluate: --products FILE and --queries FILE are required",
  );
}
const DEVICES = ["auto", "wasm", "native", "webgpu"];
if (!DEVICES.includes(values.device)) {
  throw new RangeError(
    `Cannot evaluate: --device must be one of ${
      DEVICES.join(", ")
    }, got "${values.device}"`,
  );
}

let products = parseProducts(
  await Deno.readTextFile(values.products),
  values.products,
);
if (values.split) {
  const file = values.splits ?? join(dirname(values.products), "splits.json");
  const keep = new Set(
    parseSplit(await Deno.readTextFile(file), values.split, file),
  );
  products = products.filter((p) => keep.has(p.id));
}
const queries = parseQueries(
  await Deno.readTextFile(values.queries),
  values.queries,
);
const known = new Set(products.map((p) => p.id));
const unknown = queries.flatMap((q) => q.relevant).filter((id) =>
  !known.has(id)
);
if (unknown.length > 0) {
  throw new RangeError(
    `Cannot evaluate: ${unknown.length} relevant ids are not among the products (e.g. "${
      unknown[0]
    }"); wrong --split?`,
  );
}

async function readMeta(): Promise<Map<string, ProductMeta>> {
  const file = values.meta ??
    join(dirname(values.products ?? "."), "products-meta.jsonl");
  try {
    return parseMeta(await Deno.readTextFile(file));
  } catch (err: unknown) {
    if (values.meta === undefined && err instanceof Deno.errors.NotFound) {
      return new Map(); // optional: only catalogues from deno task catalog have one
    }
    throw err;
  }
}

function extraModels(): { name: string; dir: string }[] {
  return (values.compare ?? []).map((spec) => {
    const at = spec.indexOf("=");
    if (at <= 0 || at === spec.length - 1) {
      throw new TypeError(
        `Cannot evaluate: --compare expects NAME=DIR, got "${spec}"`,
      );
    }
    return { name: spec.slice(0, at), dir: spec.slice(at + 1) };
  });
}

async function imageBase(): Promise<string> {
  if (values["image-base"]) return values["image-base"];
  const first = products.find((p) => p.image && "path" in p.image)?.image;
  const dir = dirname(values.products ?? ".");
  if (!first || !("path" in first)) return dir;
  try {
    await Deno.stat(join(dir, first.path));
    return dir;
  } catch {
    return Deno.cwd(); // paths relative to the working directory, as the service reads them
  }
}

const report = await runEvaluation({
  products,
  queries,
  modelDir: values.model,
  imageBaseDir: await imageBase(),
  device: values.device as EncoderDevice,
  extraModels: extraModels(),
  meta: await readMeta(),
  onProgress: (line) => process.stderr.write(`\r${line}   `),
});
process.stderr.write("\n");
const { model } = report;
process.stdout.write(
  [
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
    formatTables(report.results),
  ].join("\n"),
);
if (report.warnings.length > 0) {
  process.stderr.write(`app warnings:\n${report.warnings.join("\n")}\n`);
}
if (values.json) {
  await Deno.writeTextFile(values.json, JSON.stringify(report, null, 2) + "\n");
}
