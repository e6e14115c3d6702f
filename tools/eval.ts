/**
 * Evaluates a model bundle against baselines through the service's own code, on a
 * prepared query set or on a real-photo dataset folder. See USAGE and docs/EVAL.md.
 */

import { parseCli, usageError } from "../cli.ts";
import { OPTIONS } from "../config.ts";
import process from "node:process";
import { dirname, join } from "node:path";
import type { EncoderDevice } from "../encode/mod.ts";
import type {
  EvalProduct,
  EvalQuery,
  ImageQuery,
  ProductMeta,
} from "../model/eval/mod.ts";
import {
  defaultWorkDir,
  formatReport,
  normaliseColour,
  parseMeta,
  parseProducts,
  parseQueries,
  parseSplit,
  readDataset,
  runEvaluation,
  writeDatasetFiles,
} from "../model/eval/mod.ts";

/** The shipped bundle: `MODEL_DIR`'s default. */
const MODEL_DIR = OPTIONS.encoder.modelDir.default;

const USAGE = `Usage:
  deno task eval --dataset DIR [--seed N] [--holdout FRACTION]
                 [--same-title | --no-images] [--workdir DIR] [common options]
  deno task eval --products FILE --queries FILE [--split NAME] [--splits FILE]
                 [--image-base DIR] [--meta FILE] [common options]

Scores BM25, the title tower, the image tower, fixed 0.5/0.5 fusion, MAKE (Modal
Adaptation, with and without Keyword Enhancement) and the served /search ranking.

--dataset DIR       a real-photo dataset folder (products.jsonl with attrs type/colour
                    or class/coarse_class, image paths relative to DIR); queries and
                    relevance are derived from the attributes and written, with the
                    indexed titles and the split, to the work folder
  --seed N          seed of the colour removal and the split (default 1)
  --holdout F       hold out a share F in (0, 1) (products; grocery: classes) and
                    evaluate only that part; the rest is for deno task adapt
  --same-title      every title is "product": the images carry all the signal
  --no-images       leave the images out: the titles carry all the signal
  --workdir DIR     where the files go (default data/eval/<name>-s<seed>[-h<F>]…)
--products FILE     upsert events; --queries FILE: {"qid","query","relevant",…} lines
  --split NAME      index only that split of splits.json (beside the products file,
                    or --splits FILE)
  --image-base DIR  folder of relative image paths (default: the dataset.json's
                    imageBase beside the products file, else the products file's
                    folder when the first image is there, else the working directory)
  --meta FILE       products-meta.jsonl for the Modal Adaptation weight summary
Common options:
  --model DIR       bundle to evaluate (default ${MODEL_DIR})
  --compare NAME=DIR  also rank through /search with another bundle (repeatable)
  --device D        auto, wasm, native or webgpu (default auto)
  --json FILE       write the full report (every group, tag and query) as JSON
  --help            print this help

See docs/EVAL.md.
`;

const { values } = parseCli(USAGE, {
  args: Deno.args,
  strict: true,
  allowPositionals: false,
  options: {
    help: { type: "boolean", short: "h" },
    dataset: { type: "string" },
    seed: { type: "string", default: "1" },
    holdout: { type: "string", default: "0" },
    "same-title": { type: "boolean", default: false },
    "no-images": { type: "boolean", default: false },
    workdir: { type: "string" },
    products: { type: "string" },
    queries: { type: "string" },
    model: { type: "string", default: MODEL_DIR },
    split: { type: "string" },
    splits: { type: "string" },
    "image-base": { type: "string" },
    json: { type: "string" },
    device: { type: "string", default: "auto" },
    compare: { type: "string", multiple: true, default: [] },
    meta: { type: "string" },
  },
});
const DEVICES = ["auto", "wasm", "native", "webgpu"];
if (!DEVICES.includes(values.device)) {
  usageError(
    `--device must be one of ${DEVICES.join(", ")}, got "${values.device}"`,
  );
}
if (values["same-title"] && values["no-images"]) {
  usageError("--same-title and --no-images leave nothing to find");
}
if (values.dataset && (values.products || values.queries)) {
  usageError("give either --dataset or --products and --queries, not both");
}
if (!values.dataset && (!values.products || !values.queries)) {
  usageError("--dataset DIR, or --products FILE and --queries FILE, required");
}
const seed = Number(values.seed);
if (!Number.isInteger(seed) || seed < 0) {
  usageError(`--seed must be a non-negative integer, got "${values.seed}"`);
}
const holdout = Number(values.holdout);
if (!(holdout >= 0 && holdout < 1)) {
  usageError(`--holdout must be a fraction in [0, 1), got "${values.holdout}"`);
}
const compare = values.compare.map((spec) => {
  const at = spec.indexOf("=");
  if (at <= 0 || at === spec.length - 1) {
    usageError(`--compare expects NAME=DIR, got "${spec}"`);
  }
  return { name: spec.slice(0, at), dir: spec.slice(at + 1) };
});

interface EvalInput {
  readonly products: EvalProduct[];
  readonly queries: EvalQuery[];
  readonly imageQueries: readonly ImageQuery[];
  readonly imageBase: string;
  readonly meta: Map<string, ProductMeta>;
  readonly dataset?: Record<string, unknown>;
}

async function fromDataset(dir: string): Promise<EvalInput> {
  const prepare = {
    seed,
    holdout,
    sameTitle: values["same-title"],
    noImages: values["no-images"],
  };
  const d = await readDataset(dir, prepare);
  const workDir = values.workdir ?? defaultWorkDir(dir, prepare);
  const files = await writeDatasetFiles(d, {
    workDir,
    datasetDir: dir,
    prepare,
  });
  const keep = new Set(d.splits[d.evalSplit]);
  const stripped = new Set(d.colourStripped);
  const meta = new Map<string, ProductMeta>(
    d.products.filter((p) => normaliseColour(p.attrs.colour ?? "") !== null)
      .map((p) => [p.id, {
        imageKind: values["no-images"] ? "none" : "product",
        colourInTitle: !stripped.has(p.id) && !values["same-title"],
      }]),
  );
  return {
    products: d.products.filter((p) => keep.has(p.id)),
    queries: [...d.queries],
    imageQueries: d.imageQueries,
    imageBase: files.imageBase,
    meta,
    dataset: { kind: d.kind, evalSplit: d.evalSplit, ...files },
  };
}

async function readMeta(products: string): Promise<Map<string, ProductMeta>> {
  const file = values.meta ?? join(dirname(products), "products-meta.jsonl");
  try {
    return parseMeta(await Deno.readTextFile(file));
  } catch (err: unknown) {
    if (values.meta === undefined && err instanceof Deno.errors.NotFound) {
      return new Map(); // optional: only catalogues from deno task catalog have one
    }
    throw err;
  }
}

async function imageBase(
  file: string,
  products: readonly EvalProduct[],
): Promise<string> {
  if (values["image-base"]) return values["image-base"];
  try { // a work folder written by --dataset names the dataset folder
    const manifest = join(dirname(file), "dataset.json");
    const base = JSON.parse(await Deno.readTextFile(manifest))?.imageBase;
    if (typeof base === "string") return base;
  } catch (err: unknown) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const first = products.find((p) => p.image && "path" in p.image)?.image;
  if (!first || !("path" in first)) return dirname(file);
  try {
    await Deno.stat(join(dirname(file), first.path));
    return dirname(file);
  } catch {
    return Deno.cwd(); // paths relative to the working directory, as the service reads them
  }
}

async function fromFiles(file: string, queryFile: string): Promise<EvalInput> {
  let products = parseProducts(await Deno.readTextFile(file), file);
  if (values.split) {
    const splits = values.splits ?? join(dirname(file), "splits.json");
    const keep = new Set(
      parseSplit(await Deno.readTextFile(splits), values.split, splits),
    );
    products = products.filter((p) => keep.has(p.id));
  }
  const queries = parseQueries(await Deno.readTextFile(queryFile), queryFile);
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
  return {
    products,
    queries,
    imageQueries: [],
    imageBase: await imageBase(file, products),
    meta: await readMeta(file),
  };
}

/** Reads the input; a bad file or folder is one line on stderr and exit status 1. */
async function readInput(): Promise<EvalInput> {
  try {
    return values.dataset
      ? await fromDataset(values.dataset)
      : await fromFiles(values.products ?? "", values.queries ?? "");
  } catch (err: unknown) {
    if (
      err instanceof TypeError || err instanceof RangeError ||
      err instanceof SyntaxError || err instanceof Deno.errors.NotFound
    ) {
      process.stderr.write(`deno task eval: ${(err as Error).message}\n`);
      Deno.exit(1);
    }
    throw err;
  }
}

const input = await readInput();
if (input.dataset) {
  const d = input.dataset;
  process.stdout.write(
    [
      `dataset ${d.kind}: evaluating split "${d.evalSplit}"; image base ${d.imageBase}`,
      `work files: ${d.products} ${d.queries} ${d.imageQueries} ${d.splits} ${d.manifest}${
        d.adaptProducts ? ` ${d.adaptProducts}` : ""
      }`,
      "",
    ].join("\n"),
  );
}
const report = await runEvaluation({
  products: input.products,
  queries: input.queries,
  imageQueries: input.imageQueries,
  randomSeed: input.dataset ? seed : undefined,
  modelDir: values.model,
  imageBaseDir: input.imageBase,
  device: values.device as EncoderDevice,
  extraModels: compare,
  meta: input.meta,
  onProgress: (line) => process.stderr.write(`\r${line}   `),
});
process.stderr.write("\n");
process.stdout.write(formatReport(report));
if (report.warnings.length > 0) {
  process.stderr.write(`app warnings:\n${report.warnings.join("\n")}\n`);
}
if (values.json) {
  const full = input.dataset ? { dataset: input.dataset, ...report } : report;
  await Deno.writeTextFile(values.json, JSON.stringify(full, null, 2) + "\n");
}
