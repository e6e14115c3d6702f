/**
 * `deno task adapt`: trains a bundle's image head and Modal Adaptation again on the
 * catalogue the service indexes (titles and images only; no queries, no labels), writes
 * a new bundle version and, with --apply, has the running service swap it in through
 * its shadow reindex (zero failed queries). See docs/MODEL.md, "Adapting to a catalogue".
 * @module
 */
import { parseCli, usageError } from "../cli.ts";
import { type Flag, resolveFlags } from "../cli_flags.ts";
import { LOCAL_BROKER, OPTIONS } from "../config.ts";
import { join } from "node:path";
import { loadBundle, loadImageBytes } from "../encode/mod.ts";
import { parseEvent, readTopicToEnd } from "../ingest/mod.ts";
import {
  adaptBundle,
  type AdaptProduct,
  type AdaptProgress,
} from "../model/mod.ts";
import type { ImageRef } from "../types.ts";
import { runReindex } from "./reindex.ts";

/** The shipped bundle: `MODEL_DIR`'s default. */
const MODEL_DIR = OPTIONS.encoder.modelDir.default;

const USAGE = `Usage: deno task adapt (--topic NAME | --products FILE) [options]

Catalogue (one of):
  --topic NAME             read the compacted topic to its end (default brokers:
                           $KAFKA_BROKERS or ${LOCAL_BROKER}; --brokers LIST)
  --products FILE          upsert events, one JSON object a line
  --splits FILE --split S  with --products: only the ids of split S in splits.json
Images:
  --image-base DIR         folder that relative image paths are read from (default ${OPTIONS.images.baseDir.default})
  --allow-private-network  allow image URLs on private addresses
Model:
  --model DIR              bundle to start from (default ${MODEL_DIR})
  --out DIR                new bundle (default data/models/adapted-<time>)
  --steps N (400) --batch N (256) --seed N (1) --holdout F (0.2)
  --image-only             train only the image head (by default the query and title
                           towers learn the catalogue's words too)
  --keep-fusion            keep the bundle's Modal Adaptation (by default it is fitted
                           again on half of the held-out products)
  --feature-cache DIR      backbone features by image sha256 (default data/feature-cache)
Swap:
  --apply URL              POST URL/admin/reindex with the new bundle and follow it
                           (token: --token or $ADMIN_TOKEN)
  -h, --help               this text`;

const encoder = new TextEncoder();
const err = (text: string) => Deno.stderr.writeSync(encoder.encode(text));

function parseOptions() {
  const { values } = parseCli(USAGE, {
    args: Deno.args,
    options: {
      topic: { type: "string" },
      brokers: { type: "string" },
      products: { type: "string" },
      splits: { type: "string" },
      split: { type: "string" },
      "image-base": { type: "string", default: OPTIONS.images.baseDir.default },
      "allow-private-network": { type: "boolean", default: false },
      model: { type: "string", default: MODEL_DIR },
      out: { type: "string" },
      steps: { type: "string", default: "400" },
      batch: { type: "string", default: "256" },
      seed: { type: "string", default: "1" },
      holdout: { type: "string", default: "0.2" },
      "image-only": { type: "boolean", default: false },
      "keep-fusion": { type: "boolean", default: false },
      "feature-cache": { type: "string", default: "data/feature-cache" },
      apply: { type: "string" },
      token: { type: "string" },
    },
  });
  return values;
}

type Args = ReturnType<typeof parseOptions>;

/** Flags that are the service's settings: checked by their declared options. */
const SHARED = {
  brokers: {
    option: OPTIONS.kafka.brokers,
    arg: "LIST",
    default: [LOCAL_BROKER],
    fromEnv: true,
  } satisfies Flag<readonly string[]>,
  topic: { option: OPTIONS.kafka.topic, arg: "NAME" } satisfies Flag<string>,
  token: {
    option: OPTIONS.http.adminToken,
    arg: "T",
    fromEnv: true,
  } satisfies Flag<string>,
};

/** The values of the {@linkcode SHARED} flags; bad ones end the task (exit 2). */
function sharedOptions(args: Args) {
  const { values, problems } = resolveFlags(
    SHARED,
    { brokers: args.brokers, topic: args.topic, token: args.token },
    (name) => Deno.env.get(name),
  );
  if (problems.length > 0) usageError(`Cannot adapt: ${problems.join("; ")}`);
  return values;
}

function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    usageError(
      `Cannot adapt: --${name} must be a positive integer, got "${value}"`,
    );
  }
  return n;
}

interface Listed {
  readonly id: string;
  readonly title: string;
  readonly image?: ImageRef;
}

/** Latest upsert per id from the topic; deletes remove. */
async function fromTopic(
  { brokers, topic }: { brokers: readonly string[]; topic: string },
): Promise<Listed[]> {
  const byId = new Map<string, Listed>();
  let bad = 0;
  const read = await readTopicToEnd(
    { brokers, topic },
    (m) => {
      const parsed = parseEvent(m);
      if (parsed.kind === "bad") {
        bad++;
        return;
      }
      const e = parsed.event;
      if (e.op === "delete") byId.delete(e.id);
      else byId.set(e.id, { id: e.id, title: e.title, image: e.image });
    },
  );
  err(
    `read ${read} events of topic "${topic}": ${byId.size} products` +
      (bad > 0 ? ` (${bad} bad events left out, as the service does)` : "") +
      "\n",
  );
  return [...byId.values()];
}

async function fromFile(args: Args): Promise<Listed[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(args.products ?? "");
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    err(`Cannot adapt: products file "${args.products}" not found\n`);
    Deno.exit(1);
  }
  let keep: Set<string> | undefined;
  if (args.splits !== undefined || args.split !== undefined) {
    if (args.splits === undefined || args.split === undefined) {
      usageError("Cannot adapt: --splits and --split go together");
    }
    const splits = JSON.parse(await Deno.readTextFile(args.splits));
    const ids = splits[args.split];
    if (!Array.isArray(ids)) {
      usageError(`Cannot adapt: no split "${args.split}" in "${args.splits}"`);
    }
    keep = new Set(ids.map(String));
  }
  const out: Listed[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const parsed = parseEvent({
      topic: "file",
      partition: 0,
      offset: String(i),
      key: null,
      value: encoder.encode(line),
      headers: {},
      timestampMs: 0,
    });
    if (parsed.kind === "bad") {
      throw new SyntaxError(
        `Cannot adapt: "${args.products}" line ${
          i + 1
        }: ${parsed.reason} (${parsed.detail})`,
      );
    }
    const e = parsed.event;
    if (e.op === "upsert" && (keep === undefined || keep.has(e.id))) {
      out.push({ id: e.id, title: e.title, image: e.image });
    }
  });
  return out;
}

function progress(p: AdaptProgress): void {
  const width = 24;
  const filled = Math.round((p.done / Math.max(1, p.total)) * width);
  const bar = "#".repeat(filled) + "-".repeat(width - filled);
  const loss = p.loss === undefined ? "" : ` loss ${p.loss.toFixed(3)}`;
  err(`\r${p.phase.padEnd(8)} [${bar}] ${p.done}/${p.total}${loss}   `);
  if (p.done === p.total) err("\n");
}

async function main(): Promise<number> {
  const args = parseOptions();
  if ((args.topic === undefined) === (args.products === undefined)) {
    usageError("Cannot adapt: give exactly one of --topic and --products");
  }
  const steps = positiveInt("steps", args.steps);
  const batchSize = positiveInt("batch", args.batch);
  const seed = positiveInt("seed", args.seed);
  const holdout = Number(args.holdout);
  if (!(holdout > 0 && holdout < 0.5)) {
    usageError(
      `Cannot adapt: --holdout must be in (0, 0.5), got "${args.holdout}"`,
    );
  }
  const { brokers, topic, token } = sharedOptions(args);
  if (args.apply !== undefined && token === "") {
    usageError("Cannot adapt: --apply needs --token or ADMIN_TOKEN");
  }
  const listed = args.topic !== undefined
    ? await fromTopic({ brokers, topic })
    : await fromFile(args);
  const loadOptions = {
    baseDir: args["image-base"],
    allowPrivateNetwork: args["allow-private-network"],
  };
  let skipped = 0;
  const products: AdaptProduct[] = listed.map((p) => ({
    id: p.id,
    title: p.title,
    image: p.image === undefined ? undefined : async () => {
      const got = await loadImageBytes(p.image as ImageRef, loadOptions);
      if (got.kind === "ok") return got.bytes;
      skipped++;
      return undefined;
    },
  }));
  const stamp = new Date().toISOString().replace(/[-:]/g, "").slice(0, 15);
  const from = await loadBundle(args.model);
  const version = `${from.manifest.version}+adapt.${stamp}`;
  const outDir = args.out ?? join("data", "models", `adapted-${stamp}`);
  const report = await adaptBundle({
    bundleDir: args.model,
    outDir,
    products,
    version,
    steps,
    batchSize,
    seed,
    holdout,
    textTowers: !args["image-only"],
    fusion: !args["keep-fusion"],
    featureCacheDir: args["feature-cache"],
    onProgress: progress,
  });
  // The service's own loader checks the new bundle (hashes, graph inputs and outputs).
  await loadBundle(outDir);
  const summary = { ...report, out: outDir, imagesNotLoaded: skipped };
  await Deno.writeTextFile(
    join(outDir, "adapt-report.json"),
    JSON.stringify(summary, null, 2) + "\n",
  );
  const pct = (v: number) => (100 * v).toFixed(1);
  err(
    `held-out pseudo-queries, recall@10 image only ${
      pct(report.before.imageRecall)
    } → ${pct(report.after.imageRecall)}, fused (query words not in titles) ${
      pct(report.before.fusedRecall)
    } → ${pct(report.after.fusedRecall)}; mean image weight ${
      report.before.imageWeight.toFixed(2)
    } → ${
      report.after.imageWeight.toFixed(2)
    }; Keyword Enhancement alpha ${report.alpha}\n`,
  );
  Deno.stdout.writeSync(encoder.encode(JSON.stringify(summary) + "\n"));
  err(`wrote ${outDir} (version ${version})\n`);
  if (args.apply === undefined) return 0;
  return await runReindex({
    url: args.apply,
    modelDir: outDir,
    token,
    timeoutMs: 30 * 60_000,
  });
}

if (import.meta.main) Deno.exit(await main());
