/**
 * `deno task backbone-sweep [options]`: chooses the image backbone's layer, input size
 * and colour front end by measurement on a real-photo catalogue folder. For each
 * candidate it fits a closed-form ridge head from standardised image features to the
 * bag of title words on a seeded 60% split and reports capped recall@10 of attribute
 * queries on the other 40%, beside backbone, decode and combined images/s.
 * Prints a markdown table (and rewrites `--out` after each input size).
 * @module
 */

import { usageError } from "../cli.ts";
import { readProducts } from "../model/train/data.ts";
import { type KerasModel, loadMobileNetV2 } from "../model/backbone.ts";
import {
  KernelRidge,
  queriesFromKeys,
  type QueryKey,
  wordsOf,
} from "./_sweep_eval.ts";
import {
  colourFeatures,
  CONCAT,
  decodeAt,
  imagesPerSecond,
  LAYERS,
  multiGraph,
  speedTable,
  truncatedGraph,
} from "./_sweep_backbone.ts";
import { type Candidate, Evaluator, type Row, table } from "./_sweep_run.ts";

const HELP = `Usage: deno task backbone-sweep [options]

Measures MobileNetV2 (nsfwjs@4.4.0) layers × input sizes × colour front end:
recall@10 of attribute queries through a ridge head on image features, and images/s.

Options:
  --dataset DIR   catalogue folder with products.jsonl and images/
                  (default ../shared/datasets/ikea)
  --sizes LIST    input sides, comma-separated (default 224,160,128,96)
  --seed N        split seed (default 1)
  --threads N     onnxruntime intra-op threads (default 2)
  --runs N        timed batches of 32 per graph, after 2 warm-up batches; the
                  fastest counts (default 6)
  --out FILE      also write the markdown table there, rewritten after each size
  --speed-only    only time the graphs (more --runs make sense) and decoding on the
                  first 320 images; no quality
  --help          show this text
`;

interface Options {
  dataset: string;
  sizes: number[];
  seed: number;
  threads: number;
  runs: number;
  out?: string;
  speedOnly: boolean;
}

function positiveInt(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(
      `Invalid value for ${name}: "${value}" (want a positive integer)`,
    );
  }
  return n;
}

function parseArgs(args: readonly string[]): Options | "help" {
  const o: Options = {
    dataset: "../shared/datasets/ikea",
    sizes: [224, 160, 128, 96],
    seed: 1,
    threads: 2,
    runs: 6,
    speedOnly: false,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new RangeError(`Missing value for ${arg}`);
      return v;
    };
    if (arg === "--help" || arg === "-h") return "help";
    else if (arg === "--dataset") o.dataset = value();
    else if (arg === "--sizes") {
      o.sizes = value().split(",").map((s) => positiveInt("--sizes", s));
    } else if (arg === "--seed") o.seed = positiveInt(arg, value());
    else if (arg === "--threads") o.threads = positiveInt(arg, value());
    else if (arg === "--runs") o.runs = positiveInt(arg, value());
    else if (arg === "--out") o.out = value();
    else if (arg === "--speed-only") o.speedOnly = true;
    else throw new RangeError(`Unknown option "${arg}"`);
  }
  return o;
}

/** Query keys of a product: IKEA (type, colour) or grocery (class, coarse class). */
function keysOf(attrs: Readonly<Record<string, string>>): QueryKey[] {
  if (attrs.coarse_class !== undefined && attrs.class !== undefined) {
    return [
      { text: attrs.coarse_class, kind: "coarse class" },
      { text: attrs.class, kind: "class" },
    ];
  }
  if (attrs.type === undefined) return [];
  const colour = wordsOf(attrs.colour ?? "")[0];
  const keys = [{ text: attrs.type, kind: "type" }];
  if (colour) {
    keys.push({ text: `${colour} ${attrs.type}`, kind: "colour+type" });
  }
  return keys;
}

/** The multi-output graph must give each layer's truncated-graph features. */
function checkSame(
  single: ReadonlyMap<string, Float32Array | undefined>,
  multi: ReadonlyMap<string, Float32Array>,
  rows: number,
): void {
  for (const [layer, want = new Float32Array()] of single) {
    if (want.length === 0) {
      throw new RangeError(`No timed output of "${layer}"`);
    }
    const got = multi.get(layer) ?? new Float32Array();
    const d = want.length / 32;
    let diff = 0;
    for (let i = 0; i < rows * d; i++) {
      diff = Math.max(diff, Math.abs((got[i] ?? 0) - (want[i] ?? 0)));
    }
    if (!(diff < 1e-4) || got.length < rows * d) {
      throw new RangeError(
        `Multi-output graph disagrees with the graph cut at "${layer}": max diff ${diff}`,
      );
    }
  }
}

interface SizeContext {
  model: KerasModel;
  images: readonly { bytes: Uint8Array; name: string }[];
  ev: Evaluator;
  options: Options;
  colour: { grid: Float64Array; centre: Float64Array; colourMs: number };
}

/** Backbone speed per cut and pooled features of every image at one input size. */
async function featuresAt(side: number, ctx: SizeContext) {
  const { model, images, ev, options } = ctx;
  const cut = LAYERS.map((layer) => ({
    layer,
    ...truncatedGraph(model, side, layer),
  }));
  const plane = 3 * side * side;
  const decode = (i: number) => {
    const image = images[i % images.length];
    if (!image) throw new RangeError(`No image ${i}`);
    return decodeAt(image.bytes, side, image.name);
  };
  const batch = new Float32Array(32 * plane);
  for (let i = 0; i < 32; i++) batch.set(await decode(i), i * plane);
  const graphs = new Map(cut.map((c) => [c.layer, c.bytes]));
  const concatCut = cut.filter((c) => CONCAT.includes(c.layer));
  graphs.set("concat", multiGraph(model, side, "out_relu", concatCut));
  const timed = await imagesPerSecond(graphs, batch, side, {
    threads: options.threads,
    warmup: 2,
    runs: options.runs,
  });
  const ips = new Map([...timed].map(([k, v]) => [k, v.ips]));
  log(
    `${side}px images/s: ${
      [...ips].map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", ")
    }`,
  );
  const { feats, decodeIps, first } = await ev.extract(
    multiGraph(model, side, "out_relu", cut),
    cut,
    decode,
    { side, threads: options.threads },
  );
  const single = new Map(cut.map((c) => [c.layer, timed.get(c.layer)?.output]));
  checkSame(single, first, Math.min(32, images.length));
  log(`${side}px: features extracted, decode ${decodeIps.toFixed(0)} images/s`);
  const grams = new Map<string, Float64Array>();
  for (const c of cut) {
    grams.set(
      c.layer,
      await ev.gramOf(feats.get(c.layer) ?? new Float32Array(), c.channels),
    );
  }
  const candidates: Candidate[] = [
    ...cut.map((c) => ({
      layer: c.layer,
      dims: c.channels,
      parts: [c.layer],
      speed: c.layer,
    })),
    {
      layer: CONCAT.join(" + "),
      dims: concatCut.reduce((s, c) => s + c.channels, 0),
      parts: CONCAT,
      speed: "concat",
    },
  ];
  return { candidates, grams, ips, decodeIps };
}

/** Rows of every candidate at one input size: colour off, grid and centre. */
async function sweepSize(side: number, ctx: SizeContext): Promise<Row[]> {
  const { candidates, grams, ips, decodeIps } = await featuresAt(side, ctx);
  const { grid, centre, colourMs } = ctx.colour;
  const rows: Row[] = [];
  for (const c of candidates) {
    const base = c.parts.map((p) => grams.get(p) ?? new Float64Array());
    const speed = { backboneIps: ips.get(c.speed) ?? 0, decodeIps };
    const head = { size: side, layer: c.layer };
    rows.push(
      await ctx.ev.row({ ...head, dims: c.dims, colour: "off" }, base, speed),
    );
    for (
      const [name, gram, d] of [["grid 432", grid, 432], [
        "centre 27",
        centre,
        27,
      ]] as const
    ) {
      rows.push(
        await ctx.ev.row({ ...head, dims: c.dims + d, colour: name }, base, {
          ...speed,
          colourMs,
        }, gram),
      );
    }
    log(
      `${side}px ${c.layer}: ${
        rows.slice(-3).map((r) => r.recall.get("all")?.toFixed(3)).join(" / ")
      }`,
    );
  }
  return rows;
}

const encoder = new TextEncoder();
const log = (line: string) =>
  Deno.stderr.writeSync(encoder.encode(line + "\n"));
const out = (text: string) => Deno.stdout.writeSync(encoder.encode(text));

async function main(options: Options): Promise<void> {
  const products = await readProducts(options.dataset);
  const images = await Promise.all(products.map(async (p) => {
    if (p.imagePath === undefined) {
      throw new TypeError(`Product "${p.id}" has no image`);
    }
    return { bytes: await Deno.readFile(p.imagePath), name: p.imagePath };
  }));
  const n = products.length;
  const meta = {
    dataset: options.dataset,
    args: Deno.args,
    started: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
  };
  if (options.speedOnly) {
    const text = await speedTable(
      images.slice(0, 320),
      { ...options, log },
      meta,
    );
    if (options.out) await Deno.writeTextFile(options.out, text);
    out(text);
    return;
  }
  await using ridge = await KernelRidge.create(options.threads);
  const ev = Evaluator.create({
    titles: products.map((p) => p.title),
    seed: options.seed,
    queries: (rows, vocab) =>
      queriesFromKeys(rows.map((r) => products[r]?.attrs ?? {}), keysOf, vocab),
    ridge,
  });
  log(`${n} products; ${ev.describe()}`);
  const colour = await colourFeatures(images);
  const grid = await ev.gramOf(colour.grid, 432);
  const centre = await ev.gramOf(colour.centre, 27);
  const colourMs = colour.decodeMs + colour.frontMs;
  const rows: Row[] = [];
  for (
    const [name, g, d] of [["grid 432", grid, 432], [
      "centre 27",
      centre,
      27,
    ]] as const
  ) {
    rows.push(
      await ev.row({ size: 64, layer: "none", dims: d, colour: name }, [g], {
        colourMs,
      }),
    );
  }
  const model = await loadMobileNetV2();
  for (const side of options.sizes) {
    rows.push(
      ...await sweepSize(side, {
        model,
        images,
        ev,
        options,
        colour: { grid, centre, colourMs },
      }),
    );
    if (options.out) {
      await Deno.writeTextFile(options.out, table(rows, ev, meta));
    }
  }
  out(table(rows, ev, meta));
}

if (import.meta.main) {
  let parsed: Options | "help";
  try {
    parsed = parseArgs(Deno.args);
  } catch (err) {
    usageError(err instanceof Error ? err.message : String(err));
  }
  if (parsed === "help") {
    out(HELP);
  } else {
    await main(parsed);
  }
}
