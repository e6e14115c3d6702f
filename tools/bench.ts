/**
 * `deno task bench [--quick | --tiny | --soak] [--only STAGE,…] [--out DIR] [--docs]`
 *
 * Benchmarks the running system against its limits and peers in one run (issue 6): the
 * encoder and decode alone (limits), encoder devices, the whole ingest pipeline on a real
 * broker (throughput, freshness, memory), index quality and peers, and /search over HTTP
 * with wrk. Prints a progress line per stage, writes `<out>/<date>.json` and `.md`, and
 * with `--docs` also regenerates the tables of docs/BENCHMARKS.md (a tracked file, so
 * never by default).
 * Uses KAFKA_BROKERS when set, else starts an embedded broker on a free port.
 * @module
 */
import { OPTIONS } from "../config.ts";
import { join } from "node:path";
import {
  createEncoders,
  type Encoders,
  loadBundle,
  type ModelBundle,
} from "../encode/mod.ts";
import { startEmbeddedBroker } from "../broker/mod.ts";
import { routeProcessWarnings } from "../ingest/mod.ts";
import { USEARCH_DEFAULTS, type VectorIndex } from "../index/mod.ts";
import { createMemoryLogger } from "../log.ts";
import { type BenchCatalog, benchCatalog } from "../bench/_catalog.ts";
import { machineInfo, round } from "../bench/_stats.ts";
import {
  decodeAll,
  runDevices,
  runLimits,
  throughput,
} from "../bench/encode_stage.ts";
import { runIngestStage } from "../bench/ingest_stage.ts";
import { runPipelineAb } from "../bench/pipeline_ab.ts";
import { buildUsearch, dataset, runIndexStage } from "../bench/index_stage.ts";
import { runSearchSize, type SearchRow } from "../bench/search_stage.ts";
import { runSweepStage, syntheticSet } from "../bench/sweep_stage.ts";
import { runScaleStage } from "../bench/scale_stage.ts";
import { runReplicasStage } from "../bench/replicas_stage.ts";
import { catalogEmbeddings } from "../bench/_embeddings.ts";
import { wrkAvailable } from "../bench/_wrk.ts";
import { BENCH_USAGE, type BenchOptions, parseArgs } from "../bench/options.ts";
import { cliArgs, UsageError } from "../cli.ts";
import {
  type BenchResults,
  renderReport,
  updateDocs,
} from "../bench/report.ts";

const encoder = new TextEncoder();
const t0 = performance.now();
function progress(line: string): void {
  const s = ((performance.now() - t0) / 1000).toFixed(1).padStart(6);
  Deno.stdout.writeSync(encoder.encode(`[${s}s] ${line}\n`));
}

let started: string[] | null = null;

async function brokers(stack: AsyncDisposableStack): Promise<string[]> {
  if (started) return started;
  started = await startBrokers(stack);
  return started;
}

async function startBrokers(stack: AsyncDisposableStack): Promise<string[]> {
  const given = Deno.env.get("KAFKA_BROKERS");
  if (given) {
    return given.split(",").map((s) => s.trim()).filter((s) => s !== "");
  }
  progress("broker: starting an embedded Kafka broker");
  const dir = await Deno.makeTempDir({ prefix: "bench-kafka-" });
  stack.defer(() => Deno.remove(dir, { recursive: true }));
  const broker = stack.use(
    await startEmbeddedBroker({
      dataDir: dir,
      port: 0,
      log: createMemoryLogger(),
    }),
  );
  return [...broker.brokers];
}

async function run(options: BenchOptions): Promise<BenchResults> {
  await using stack = new AsyncDisposableStack();
  routeProcessWarnings(createMemoryLogger());
  const bundle = await loadBundle(OPTIONS.encoder.modelDir.default);
  const has = (s: string) => options.only.has(s as never);
  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    command: `deno task bench ${Deno.args.join(" ")}`.trim(),
    mode: options.mode,
    machine: machineInfo(),
    model: { version: bundle.manifest.version, dims: bundle.manifest.dims },
  };
  const needCatalog = ["limits", "devices", "pipeline", "ingest"].some(has);
  progress(
    `catalogue: ${options.catalogProducts} products, ${options.imageSize}px images`,
  );
  const catalog = needCatalog
    ? await benchCatalog(
      options.outDir,
      options.catalogProducts,
      options.imageSize,
    )
    : null;
  let tensors = null;
  if (catalog && has("limits")) {
    const limits = await runLimits(catalog, bundle, {
      batchSize: options.batchSize,
      imageSize: options.imageSize,
      progress,
    });
    results.limits = limits.results;
    tensors = limits.tensors;
  }
  if (catalog && has("pipeline")) {
    await using encoders = await createEncoders(bundle, { device: "auto" });
    const base = { maxBatchSize: 32, maxWaitMs: 20, imageConcurrency: 4 };
    results.pipeline = await runPipelineAb(
      catalog,
      bundle,
      encoders,
      await brokers(stack),
      [
        {
          name: "no read-ahead (before)",
          options: { ...base, readAheadItems: 0 },
        },
        { name: "read-ahead 32 (shipped)", options: base },
        {
          name: "read-ahead 64, batch 64",
          options: { ...base, maxBatchSize: 64 },
        },
      ],
      {
        rounds: options.abRounds,
        limits: () => roundLimits(catalog, bundle, encoders),
        progress,
      },
    );
  }
  if (catalog && has("ingest")) {
    results.ingest = await runIngestStage(catalog, {
      brokers: await brokers(stack),
      freshnessSeconds: options.freshnessSeconds,
      soakSeconds: options.soakSeconds,
      ...(shippedMedian(results)
        ? { maxRatePerS: shippedMedian(results) }
        : {}),
      progress,
    });
  }
  let big = null;
  if (has("index")) {
    const r = await runIndexStage({
      n: options.indexN,
      settingsN: options.settingsN,
      queries: options.queries,
      dims: bundle.manifest.dims,
      progress,
    });
    results.index = r.results;
    big = stack.use(r.index);
  }
  if (has("sweep")) results.sweep = await sweepStage(options, bundle);
  if (has("scale")) {
    results.scale = await runScaleStage({
      sizes: options.scaleSizes,
      dims: bundle.manifest.dims,
      queries: options.sweepQueries,
      progress,
    });
  }
  if (has("replicas")) {
    if (await wrkAvailable()) {
      results.replicas = await runReplicasStage({
        n: options.indexN,
        dims: bundle.manifest.dims,
        seconds: options.searchSeconds,
        connections: options.connections,
        progress,
      });
    } else {progress(
        "replicas: SKIPPED: wrk is not installed (apt-get install wrk)",
      );}
  }
  if (has("search")) results.search = await searchStage(options, bundle, big);
  // Last: once wasm/WebGPU sessions have run in this process, the service's image
  // Workers (IMAGE_WORKERS) stopped answering (seen 2026-11-25), so devices go after it.
  if (catalog && has("devices")) {
    tensors ??= (await decodeAll(catalog, bundle)).tensors;
    results.devices = await runDevices(tensors, bundle, {
      items: options.deviceItems,
      batch: 16,
      progress,
    });
  }
  results.seconds = round((performance.now() - t0) / 1000, 1);
  return results;
}

/** Median events/s of the shipped pipeline variant in the A/B stage, if it ran. */
function shippedMedian(results: BenchResults): number | undefined {
  const v = results.pipeline?.variants.find((v) => v.name.includes("shipped"));
  if (!v || v.eventsPerS.length === 0) return undefined;
  return [...v.eventsPerS].sort((a, b) =>
    a - b
  )[Math.floor(v.eventsPerS.length / 2)];
}

/** Decode alone and encoder alone (batch 32) over the catalogue, one pass each. */
async function roundLimits(
  catalog: BenchCatalog,
  bundle: ModelBundle,
  encoders: Encoders,
) {
  const decoded = await decodeAll(catalog, bundle);
  const products = decoded.tensors.map((image, i) => ({
    title: String(catalog.events[i]?.title ?? ""),
    image,
  }));
  const encodePerS = await throughput(
    products,
    32,
    1,
    (b) => encoders.product.encode(b, {}),
  );
  return { decodePerS: decoded.perS, encodePerS };
}

async function sweepStage(options: BenchOptions, bundle: ModelBundle) {
  const sets = [];
  for (const dir of options.datasets) {
    sets.push(
      await catalogEmbeddings(dir, bundle, {
        cacheDir: join(options.outDir, "cache"),
        queries: options.sweepQueries,
        progress,
      }),
    );
  }
  const dims = bundle.manifest.dims;
  sets.push(syntheticSet(options.sweepN, options.sweepQueries, dims));
  return runSweepStage({ sets, progress });
}

async function searchStage(
  options: BenchOptions,
  bundle: ModelBundle,
  big: VectorIndex | null,
): Promise<BenchResults["search"]> {
  if (!(await wrkAvailable())) {
    progress("search: SKIPPED: wrk is not installed (apt-get install wrk)");
    return { skipped: "wrk is not installed (apt-get install wrk)", rows: [] };
  }
  await using encoders = await createEncoders(bundle, { device: "auto" });
  const rows: SearchRow[] = [];
  const dims = bundle.manifest.dims;
  const sizes = [options.searchExtraN, big ? 0 : options.indexN].filter((n) =>
    n > 0
  );
  for (const n of sizes) {
    progress(`search: building a ${n}-product index`);
    // The shipped settings, built on every core (the index stage times builds).
    using built = buildUsearch(dataset(n, 0, dims).data, dims, {
      ...USEARCH_DEFAULTS,
    }, 0).index;
    rows.push(
      await runSearchSize(built, encoders, {
        seconds: options.searchSeconds,
        connections: options.connections,
        progress,
      }),
    );
  }
  if (big) {
    rows.push(
      await runSearchSize(big, encoders, {
        seconds: options.searchSeconds,
        connections: options.connections,
        progress,
      }),
    );
  }
  return { device: encoders.device, rows };
}

if (import.meta.main) {
  const options = cliArgs(BENCH_USAGE, () => {
    try {
      return parseArgs(Deno.args);
    } catch (err: unknown) {
      if (err instanceof RangeError) throw new UsageError(err.message);
      throw err;
    }
  });
  const results = await run(options);
  await Deno.mkdir(options.outDir, { recursive: true });
  const stamp = results.startedAt.replace(/[:.]/g, "-");
  const jsonPath = join(options.outDir, `${stamp}.json`);
  await Deno.writeTextFile(jsonPath, JSON.stringify(results, null, 2) + "\n");
  const report = renderReport(results);
  await Deno.writeTextFile(join(options.outDir, `${stamp}.md`), report);
  if (options.docs) {
    await updateDocs("docs/BENCHMARKS.md", report);
    // Keep `deno fmt --check` (part of `deno task ok`) clean after a regeneration.
    await new Deno.Command(Deno.execPath(), {
      args: ["fmt", "docs/BENCHMARKS.md"],
      stdout: "null",
      stderr: "null",
    }).output();
  }
  progress(`done: ${jsonPath}${options.docs ? " and docs/BENCHMARKS.md" : ""}`);
}
