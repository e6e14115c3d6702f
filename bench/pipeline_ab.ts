/**
 * Before/after of pipeline settings in one run: the same backlog of catalogue products
 * (with images) on a fresh topic of the real broker, consumed by `runPipeline` wired like
 * the service (Kafka source, loadImage, the shipped encoder, USearch), alternating the
 * variants (A B A B …) so that the machine's background load hits them alike.
 * @module
 */
import { type Encoders, loadImage, type ModelBundle } from "../encode/mod.ts";
import { createUsearchIndex } from "../index/mod.ts";
import { createKafkaSource, ensureTopic, parseEvent } from "../ingest/mod.ts";
import { createMemoryLogger } from "../log.ts";
import { Metrics } from "../metrics.ts";
import {
  PipelineMetrics,
  type PipelineOptions,
  runPipeline,
  stoppable,
  systemClock,
} from "../pipeline/mod.ts";
import type { BenchCatalog } from "./_catalog.ts";
import { BenchProducer } from "./_producer.ts";
import { perSecond } from "./_stats.ts";

/** One variant's runs. */
export interface VariantResult {
  readonly name: string;
  readonly options: PipelineOptions;
  readonly eventsPerS: number[];
}

/** Events/s of one backlog run between the first and the last applied batch. */
async function backlogRun(
  catalog: BenchCatalog,
  bundle: ModelBundle,
  encoders: Encoders,
  brokers: readonly string[],
  options: PipelineOptions,
): Promise<number> {
  const topic = `bench-ab-${Date.now().toString(36)}-${
    Math.random().toString(36).slice(2, 6)
  }`;
  const log = createMemoryLogger();
  await ensureTopic(brokers, { topic, partitions: 2, compacted: true, log });
  {
    await using producer = await BenchProducer.create(brokers, topic);
    await producer.sendAll(catalog.events);
  }
  await using source = await createKafkaSource({
    brokers,
    topic,
    groupId: `${topic}-g`,
    log,
    fromBeginning: true,
  });
  using index = createUsearchIndex({
    dims: bundle.manifest.dims,
    modelVersion: bundle.manifest.version,
  });
  const times: number[] = [];
  const n = catalog.events.length;
  const stop = new AbortController();
  const done = runPipeline({
    source: stoppable(source, stop.signal),
    parse: (m) => parseEvent(m),
    loadImage: (ref) =>
      loadImage(ref, bundle.manifest.image, { baseDir: catalog.dir }),
    encode: (batch) => encoders.product.encode([...batch], {}),
    index: () => index,
    deadLetter: (_m, reason) =>
      Promise.reject(new Error(`Unexpected bad event: ${reason}`)),
    checkpoint: async (positions, applied) => {
      for (let i = 0; i < applied; i++) times.push(performance.now());
      await source.commit(positions);
      if (index.size >= n) stop.abort();
    },
    log,
    metrics: new PipelineMetrics(new Metrics()),
    clock: systemClock,
  }, options);
  await done;
  const first = times[0]!;
  return perSecond(
    times.filter((t) => t > first).length,
    times.at(-1)! - first,
  );
}

/** The limits measured in each round, beside the variants. */
export interface RoundLimits {
  readonly decodePerS: number;
  readonly encodePerS: number;
}

/** Results of {@linkcode runPipelineAb}. */
export interface AbResults {
  readonly variants: VariantResult[];
  /** Decode alone and encoder alone, measured once per round between the variants. */
  readonly limits: RoundLimits[];
}

/**
 * Runs each variant `rounds` times, interleaved, and `limits` once per round, so that the
 * pipeline/limit ratios compare figures taken under the same background load.
 */
export async function runPipelineAb(
  catalog: BenchCatalog,
  bundle: ModelBundle,
  encoders: Encoders,
  brokers: readonly string[],
  variants: ReadonlyArray<{ name: string; options: PipelineOptions }>,
  options: {
    rounds: number;
    limits: () => Promise<RoundLimits>;
    progress: (line: string) => void;
  },
): Promise<AbResults> {
  const results = variants.map((v) => ({ ...v, eventsPerS: [] as number[] }));
  const limits: RoundLimits[] = [];
  for (let r = 0; r < options.rounds; r++) {
    options.progress(`pipeline A/B: decode and encoder alone, round ${r + 1}`);
    limits.push(await options.limits());
    for (const v of results) {
      options.progress(
        `pipeline A/B: ${v.name}, round ${r + 1}/${options.rounds}`,
      );
      v.eventsPerS.push(
        await backlogRun(catalog, bundle, encoders, brokers, v.options),
      );
    }
  }
  return { variants: results, limits };
}
