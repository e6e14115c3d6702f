/**
 * Generates the synthetic catalogue:
 *   deno task catalog --products N --seed S --out DIR [--image-prefix P]
 * writes DIR/products.jsonl, DIR/images/, DIR/splits.json, DIR/queries-<split>.jsonl
 * and DIR/vocabulary.json; image paths in events are `images/<id>.<ext>` relative to DIR
 * unless --image-prefix says otherwise.
 *   deno task catalog --demo --out samples
 * writes the demo catalogue (240 products, featured red dresses, one queries.jsonl)
 * with image paths relative to the repository root ("samples/images/…").
 * Prints one JSON summary line on stdout, progress on stderr.
 */

import { parseCli, usageError } from "../cli.ts";
import process from "node:process";
import {
  type Catalog,
  generateCatalog,
  generateDemoCatalog,
  writeCatalog,
} from "../model/catalog/mod.ts";

interface Args {
  products: number;
  seed: number;
  out: string;
  prefix: string | undefined;
  demo: boolean;
}

const USAGE =
  `Usage: deno task catalog --products N --seed S --out DIR [--image-prefix P]
       deno task catalog --demo --out samples
Generates a synthetic catalogue (products.jsonl, images/, splits.json, queries).`;

function parse(): Args {
  const { values } = parseCli(USAGE, {
    args: Deno.args,
    options: {
      products: { type: "string" },
      seed: { type: "string" },
      out: { type: "string" },
      "image-prefix": { type: "string" },
      demo: { type: "boolean", default: false },
    },
  });
  const demo = values.demo ?? false;
  const products = Number(values.products ?? (demo ? "240" : "10000"));
  const seed = Number(values.seed ?? (demo ? "2026" : "1"));
  const problems: string[] = [];
  if (!Number.isInteger(products) || products < 1) {
    problems.push(
      `--products must be a positive integer, got "${values.products}"`,
    );
  }
  if (!Number.isInteger(seed)) {
    problems.push(`--seed must be an integer, got "${values.seed}"`);
  }
  if (!values.out) problems.push("--out DIR is required");
  if (problems.length > 0) {
    usageError(`Cannot generate catalogue: ${problems.join("; ")}`);
  }
  return {
    products,
    seed,
    out: values.out ?? "",
    prefix: values["image-prefix"],
    demo,
  };
}

const args = parse();
const started = performance.now();
const catalog: Catalog = args.demo
  ? generateDemoCatalog({ products: args.products, seed: args.seed })
  : generateCatalog({ products: args.products, seed: args.seed });
const generatedMs = performance.now() - started;
const stats = await writeCatalog(catalog, args.out, {
  imagePathPrefix: args.prefix ??
    (args.demo ? `${args.out.replace(/\/+$/, "")}/images/` : "images/"),
  layout: args.demo ? "demo" : "full",
  onProgress: (done, total) =>
    process.stderr.write(`\rimages ${done}/${total}`),
});
process.stderr.write("\n");
process.stdout.write(
  JSON.stringify({
    out: args.out,
    seed: args.seed,
    generatedMs: Math.round(generatedMs),
    totalMs: Math.round(performance.now() - started),
    ...stats,
  }) + "\n",
);
