/**
 * Trains the default MAKE bundle:
 *   deno task train [--products N] [--seed S] [--steps K] [--out DIR] [--catalog DIR]
 *                   [--no-keywords]   (ablation: no Keyword Enhancement at all)
 *                   [--image-size PX] [--backbone LAYER|none] [--feature-cache DIR]
 * Generates the synthetic catalogue (unless --catalog names an existing one), trains,
 * chooses the Keyword Enhancement alpha on the validation split, writes the bundle to
 * --out (default model/default) with training-report.json, and checks ONNX parity.
 * Progress goes to stderr; the final report is one JSON line on stdout.
 */

import { parseCli } from "../cli.ts";
import { OPTIONS } from "../config.ts";
import { join } from "node:path";
import {
  catalogVocabulary,
  COLOURS,
  generateCatalog,
  writeCatalog,
} from "../model/catalog/mod.ts";
import {
  DEFAULT_CONFIG,
  FILTER_BANK_IMAGE,
  layerChannels,
  type ModelConfig,
  trainBundle,
  type TrainProgress,
} from "../model/mod.ts";

const encoder = new TextEncoder();
const write = (text: string) => Deno.stderr.writeSync(encoder.encode(text));

/** The shipped bundle: `MODEL_DIR`'s default. */
const MODEL_DIR = OPTIONS.encoder.modelDir.default;

const USAGE =
  `Usage: deno task train [--products N] [--seed S] [--steps K] [--batch B] [--out DIR]
  [--catalog DIR] [--version V] [--no-keywords]
Trains the default MAKE bundle and exports it to --out (default ${MODEL_DIR}).`;

function parse() {
  const { values } = parseCli(USAGE, {
    args: Deno.args,
    options: {
      products: { type: "string", default: "8000" },
      seed: { type: "string", default: "1" },
      steps: { type: "string", default: "1200" },
      batch: { type: "string", default: "256" },
      out: { type: "string", default: MODEL_DIR },
      catalog: { type: "string" },
      version: { type: "string", default: "2026.12.03-2" },
      "no-keywords": { type: "boolean", default: false },
      "image-size": { type: "string" },
      backbone: { type: "string" },
      "feature-cache": { type: "string", default: "data/feature-cache" },
    },
  });
  const ints = ["products", "seed", "steps", "batch"] as const;
  const bad = ints.filter((k) =>
    !Number.isInteger(Number(values[k])) || Number(values[k]) < 0
  );
  if (bad.length > 0) {
    throw new TypeError(
      `Cannot train: ${
        bad.map((k) => `--${k} "${values[k]}"`).join(", ")
      } must be integers`,
    );
  }
  return {
    products: Number(values.products),
    seed: Number(values.seed),
    steps: Number(values.steps),
    batch: Number(values.batch),
    out: values.out,
    catalog: values.catalog,
    version: values.version,
    noKeywords: values["no-keywords"],
    config: modelConfig(values["image-size"], values.backbone),
    featureCache: values["feature-cache"],
  };
}

/** DEFAULT_CONFIG with another image size or backbone layer ("none": the filter bank). */
function modelConfig(
  size: string | undefined,
  layer: string | undefined,
): ModelConfig {
  const image = DEFAULT_CONFIG.image;
  if (layer === "none") {
    return { ...DEFAULT_CONFIG, image: FILTER_BANK_IMAGE };
  }
  const side = size === undefined ? image.width : Number(size);
  if (!Number.isInteger(side) || side < 32 || side % 16 !== 0) {
    throw new RangeError(
      `Cannot train: --image-size must be a multiple of 16 of at least 32, got "${size}"`,
    );
  }
  const backbone = image.backbone && layer !== undefined
    ? { ...image.backbone, layer, channels: layerChannels(layer) }
    : image.backbone;
  return {
    ...DEFAULT_CONFIG,
    image: { ...image, width: side, height: side, backbone },
  };
}

function fmtTime(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function progressLine(p: TrainProgress): void {
  const width = 24;
  const filled = Math.round((p.step / p.steps) * width);
  const bar = "#".repeat(filled) + "-".repeat(width - filled);
  write(
    `\r[${bar}] ${p.step}/${p.steps} loss ${p.loss.toFixed(3)} ` +
      `(qp ${p.last.product.toFixed(2)} qt ${p.last.title.toFixed(2)} qi ${
        p.last.image.toFixed(2)
      } kw ${p.last.keyword.toFixed(2)}) ` +
      `T ${p.temperature.toFixed(3)} val R@10 ${p.valRecall.toFixed(3)} ` +
      `${fmtTime(p.elapsedMs)} ETA ${fmtTime(p.etaMs)}  `,
  );
  if (p.step === p.steps) write("\n");
}

async function ensureCatalog(args: ReturnType<typeof parse>): Promise<string> {
  if (args.catalog !== undefined) {
    try {
      await Deno.stat(join(args.catalog, "products.jsonl"));
      return args.catalog;
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  const dir = args.catalog ??
    await Deno.makeTempDir({ prefix: "make-catalog-" });
  write(
    `generating catalogue: ${args.products} products, seed ${args.seed} → ${dir}\n`,
  );
  const catalog = generateCatalog({ products: args.products, seed: args.seed });
  await writeCatalog(catalog, dir, {
    onProgress: (done, total) => write(`\rimages ${done}/${total}`),
  });
  write("\n");
  return dir;
}

const COLOUR_FAMILY = new Map(COLOURS.map((c) => [c.id, c.family]));

async function main(): Promise<void> {
  const args = parse();
  const catalogDir = await ensureCatalog(args);
  const extraTerms = catalogVocabulary().filter((t) => !t.heldOut).map((
    { term, type },
  ) => ({ term, type }));
  const report = await trainBundle({
    catalogDir,
    outDir: args.out,
    config: args.config,
    featureCacheDir: args.featureCache,
    seed: args.seed,
    version: args.version,
    extraTerms,
    alphas: args.noKeywords ? [0] : undefined,
    enrich: (p) => {
      const family = COLOUR_FAMILY.get(p.attrs.colour ?? "");
      return family === undefined
        ? p
        : { ...p, attrs: { ...p.attrs, colourFamily: family } };
    },
    train: {
      steps: args.steps,
      batchSize: args.batch,
      keywordBatchSize: args.noKeywords ? 0 : Math.round(args.batch / 4),
      maskFalseNegatives: !args.noKeywords,
      lr: 0.003,
      bankSize: 2048,
      weights: { title: 0.5, image: 0.5, keyword: args.noKeywords ? 0 : 0.5 },
      evalEvery: Math.max(1, Math.round(args.steps / 10)),
      onProgress: progressLine,
    },
    log: (line) => write(`\r${line}\n`),
  });
  // A generated catalogue is named by how to regenerate it, not by its temp path.
  const catalog = args.catalog ??
    `generated: --products ${args.products} --seed ${args.seed}`;
  const summary = { catalog, seed: args.seed, steps: args.steps, ...report };
  await Deno.writeTextFile(
    join(args.out, "training-report.json"),
    JSON.stringify(summary, null, 2) + "\n",
  );
  Deno.stdout.writeSync(encoder.encode(JSON.stringify(summary) + "\n"));
  if (!(report.parity.max <= 1e-4)) {
    throw new Error(
      `ONNX parity failed: max abs diff ${report.parity.max} > 1e-4`,
    );
  }
}

await main();
