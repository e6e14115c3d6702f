/**
 * Generates the synthetic catalogue:
 *   deno task catalog --products N --seed S --out DIR [--image-prefix P]
 * Writes DIR/products.jsonl, DIR/images/, DIR/splits.json, DIR/queries-<split>.jsonl and
 * DIR/vocabulary.json; prints one JSON summary line. Image paths in events are
 * `images/<id>.<ext>` relative to DIR unless --image-prefix says otherwise.
 */

import { parseArgs } from "node:util";
import process from "node:process";
import { generateCatalog, writeCatalog } from "../model/catalog/mod.ts";

function parse(): {
  products: number;
  seed: number;
  out: string;
  prefix: string;
} {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      products: { type: "string", default: "10000" },
      seed: { type: "string", default: "1" },
      out: { type: "string" },
      "image-prefix": { type: "string", default: "images/" },
    },
  });
  const products = Number(values.products), seed = Number(values.seed);
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
    throw new TypeError(`Cannot generate catalogue: ${problems.join("; ")}`);
  }
  return {
    products,
    seed,
    out: values.out ?? "",
    prefix: values["image-prefix"],
  };
}

const args = parse();
const started = performance.now();
const catalog = generateCatalog({ products: args.products, seed: args.seed });
const generatedMs = performance.now() - started;
const stats = await writeCatalog(catalog, args.out, {
  imagePathPrefix: args.prefix,
  onProgress: (done, total) =>
    process.stderr.write(`\rimages ${done}/${total}`),
});
process.stderr.write("\n");
const totalMs = performance.now() - started;
process.stdout.write(
  JSON.stringify({
    out: args.out,
    seed: args.seed,
    generatedMs: Math.round(generatedMs),
    totalMs: Math.round(totalMs),
    ...stats,
  }) + "\n",
);
