/**
 * Items 1, 2 and 6 of the bench, on the real service (the composition `deno task ingest`
 * runs) and a real broker: whole-pipeline throughput over a backlog of catalogue products
 * with images; produce → searchable latency at a fraction of that rate (eventTimeMs is the
 * producer's send time, indexedAtMs when the record became searchable); and the process's
 * RSS while that steady load goes on.
 * @module
 */
import { loadConfig } from "../config.ts";
import { createMemoryLogger } from "../log.ts";
import type { ProductRecord } from "../types.ts";
import { type Service, startService } from "../app/mod.ts";
import type { BenchCatalog } from "./_catalog.ts";
import { BenchProducer } from "./_producer.ts";
import {
  type LatencySummary,
  perSecond,
  round,
  rssMiB,
  summarize,
} from "./_stats.ts";

/** Results of {@linkcode runIngestStage}. */
export interface IngestResults {
  readonly products: number;
  readonly env: Record<string, string>;
  /** Events/s between the first and the last applied batch of the backlog. */
  readonly pipelinePerS: number;
  readonly freshness: {
    readonly targetRatePerS: number;
    readonly achievedRatePerS: number;
    readonly events: number;
    readonly latencyMs: LatencySummary;
    /** Worst latency per second of send time, ms. */
    readonly worstPerSecond: number[];
    /** The service's own batch figures (cumulative since start, backlog included). */
    readonly batchMs: { p50: number; p99: number; count: number };
    readonly batchSize: { p50: number; p99: number; count: number };
    /** Snapshot + commit checkpoints taken so far. */
    readonly checkpoints: number;
  };
  readonly memory: {
    readonly seconds: number;
    readonly samples: number[];
    /**
     * Per sample: JS heap in use and reserved, memory outside the heap that JS objects
     * hold (ArrayBuffers: image bytes, tensors), the index's own memory estimate, its
     * stale rows. What RSS holds beyond heap total and external is native (onnxruntime,
     * USearch, allocator, Workers' isolates).
     */
    readonly heapMiB: number[];
    readonly heapTotalMiB: number[];
    readonly externalMiB: number[];
    readonly indexMiB: number[];
    readonly staleRows: number[];
    readonly warmupSamples: number;
    readonly medianMiB: number;
    /** Largest deviation of a post-warm-up sample from their median, in %. */
    readonly maxDeviationPct: number;
  };
}

/** Per-second samples beside RSS during the soak. */
interface MemoryDetail {
  readonly heapMiB: number[];
  readonly heapTotalMiB: number[];
  readonly externalMiB: number[];
  readonly indexMiB: number[];
  readonly staleRows: number[];
}

/** Options of {@linkcode runIngestStage}. */
export interface IngestStageOptions {
  readonly brokers: readonly string[];
  /** Extra environment for the service (e.g. ENCODE_MAX_WAIT_MS) to compare settings. */
  readonly env?: Record<string, string>;
  readonly freshnessSeconds: number;
  readonly soakSeconds: number;
  /** Fraction of the max rate used for freshness and the soak. @default 0.5 */
  readonly rateFraction?: number;
  /**
   * Max sustained rate measured elsewhere in the run (the pipeline A/B median), used
   * instead of this stage's single backlog run, which a noisy moment can inflate.
   */
  readonly maxRatePerS?: number;
  readonly progress: (line: string) => void;
}

async function waitUntil(
  check: () => boolean,
  what: string,
  timeoutMs: number,
): Promise<void> {
  const t0 = performance.now();
  while (!check()) {
    if (performance.now() - t0 > timeoutMs) {
      throw new Error(`Timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs the three measurements on one service instance. */
export async function runIngestStage(
  catalog: BenchCatalog,
  options: IngestStageOptions,
): Promise<IngestResults> {
  const topic = `bench-${Date.now().toString(36)}`;
  const dataDir = await Deno.makeTempDir({ prefix: "make-bench-" });
  const env = { ENCODE_MAX_WAIT_MS: "20", ...options.env };
  await using producer = await BenchProducer.create(options.brokers, topic);
  const service = await startService(
    loadConfig({
      KAFKA_BROKERS: options.brokers.join(","),
      KAFKA_TOPIC: topic,
      KAFKA_DLQ_TOPIC: `${topic}.dlq`,
      KAFKA_GROUP: `${topic}-group`,
      PORT: "0",
      DATA_DIR: dataDir,
      IMAGE_BASE_DIR: catalog.dir,
      LOG_LEVEL: "warn",
      ...env,
    }),
    { log: createMemoryLogger() },
  );
  try {
    const n = catalog.events.length;
    options.progress(`ingest: backlog of ${n} products with images`);
    await producer.sendAll(catalog.events);
    await waitUntil(
      () => service.holder.current?.size === n,
      `${n} products indexed`,
      600_000,
    );
    const pipelinePerS = backlogRate(
      service,
      catalog.events.map((e) => String(e.id)),
    );
    const max = Math.min(pipelinePerS, options.maxRatePerS ?? Infinity);
    const rate = Math.max(1, Math.round(max * (options.rateFraction ?? 0.5)));
    options.progress(
      `ingest: freshness at ${rate}/s for ${options.freshnessSeconds} s`,
    );
    const freshness = await steady(
      service,
      producer,
      catalog,
      rate,
      options.freshnessSeconds,
      "f",
      null,
    );
    options.progress(
      `ingest: memory soak at ${rate}/s for ${options.soakSeconds} s`,
    );
    const samples: number[] = [];
    const detail: MemoryDetail = {
      heapMiB: [],
      heapTotalMiB: [],
      externalMiB: [],
      indexMiB: [],
      staleRows: [],
    };
    await steady(
      service,
      producer,
      catalog,
      rate,
      options.soakSeconds,
      "s",
      samples,
      detail,
    );
    return {
      products: n,
      env,
      pipelinePerS,
      freshness: { targetRatePerS: rate, ...freshness },
      memory: { ...memorySummary(samples, options.soakSeconds), ...detail },
    };
  } finally {
    await service.stop();
    await Deno.remove(dataDir, { recursive: true }).catch(() => undefined);
  }
}

/** Products indexed after the first batch, over the time from the first batch to the last. */
function backlogRate(service: Service, ids: readonly string[]): number {
  const times = ids.map((id) => service.holder.get(id)?.indexedAtMs ?? NaN)
    .sort((a, b) => a - b);
  const first = times[0]!;
  const last = times.at(-1)!;
  const after = times.filter((t) => t > first).length;
  return perSecond(after, last - first);
}

/**
 * Produces catalogue products under new ids at `rate` for `seconds`, waits for
 * the last one, and returns produce → indexed latencies. Samples RSS each second when
 * `samples` is given.
 */
async function steady(
  service: Service,
  producer: BenchProducer,
  catalog: BenchCatalog,
  rate: number,
  seconds: number,
  prefix: string,
  samples: number[] | null,
  detail?: MemoryDetail,
) {
  const pool = catalog.events.length;
  const latest = new Map<string, number>();
  let nextSample = performance.now();
  const make = (i: number) => {
    const e = catalog.events[i % pool]!;
    // Freshness uses a new id per event (every latency is kept); the soak cycles over a
    // pool so the index stays the same size and only the process itself could grow.
    const id = samples === null ? `${prefix}-${i}` : `${prefix}-${i % pool}`;
    latest.set(id, i);
    return { ...e, id, version: i };
  };
  const sampler = () => {
    if (samples === null || performance.now() < nextSample) return;
    samples.push(rssMiB());
    const stats = service.holder.current?.stats();
    const usage = Deno.memoryUsage();
    detail?.heapMiB.push(round(usage.heapUsed / 2 ** 20, 1));
    detail?.heapTotalMiB.push(round(usage.heapTotal / 2 ** 20, 1));
    detail?.externalMiB.push(round(usage.external / 2 ** 20, 1));
    detail?.indexMiB.push(round((stats?.memoryBytes ?? NaN) / 2 ** 20, 1));
    detail?.staleRows.push(stats?.staleRows ?? NaN);
    nextSample += 1000;
  };
  const sent = await producer.paced(rate, seconds, make, sampler);
  const done = () =>
    [...latest].every(([id, v]) => service.holder.get(id)?.version === v);
  await waitUntil(done, "the steady-load events", 120_000);
  const records = [...latest.keys()].map((id) =>
    service.holder.get(id) as ProductRecord
  );
  const latencies = records.map((r) => r.indexedAtMs - r.eventTimeMs);
  return {
    achievedRatePerS: sent.ratePerS,
    events: sent.sent,
    latencyMs: summarize(latencies),
    worstPerSecond: worstPerSecond(records),
    batchMs: quantiles(service, "ingest_batch_ms"),
    batchSize: quantiles(service, "ingest_batch_size"),
    checkpoints: service.metrics.histogram("checkpoint_ms", "").count(),
  };
}

/** Worst produce → indexed latency per second of send time: shows whether spikes recur. */
function worstPerSecond(records: readonly ProductRecord[]): number[] {
  const start = Math.min(...records.map((r) => r.eventTimeMs));
  const worst: number[] = [];
  for (const r of records) {
    const s = Math.floor((r.eventTimeMs - start) / 1000);
    worst[s] = Math.max(worst[s] ?? 0, r.indexedAtMs - r.eventTimeMs);
  }
  return Array.from(worst, (v) => v ?? 0);
}

/** p50/p99 of one of the service's histograms (cumulative since start). */
function quantiles(service: Service, name: string) {
  const h = service.metrics.histogram(name, "");
  return { p50: h.quantile(0.5), p99: h.quantile(0.99), count: h.count() };
}

function memorySummary(
  samples: number[],
  seconds: number,
): Omit<IngestResults["memory"], keyof MemoryDetail> {
  const warmupSamples = Math.min(
    samples.length - 1,
    Math.max(1, Math.floor(samples.length * 0.2)),
  );
  const after = samples.slice(warmupSamples).sort((a, b) => a - b);
  const median = after[Math.floor(after.length / 2)] ?? NaN;
  const dev = Math.max(...after.map((s) => Math.abs(s - median) / median)) *
    100;
  return {
    seconds,
    samples,
    warmupSamples,
    medianMiB: median,
    maxDeviationPct: round(dev, 1),
  };
}
