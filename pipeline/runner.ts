/**
 * The ingest pipeline: source → parse → fetch+decode images (bounded, ordered) → read ahead
 * (bounded, so decoding goes on while a batch encodes) → batch by
 * size or time → encode → apply to the live index in log order → checkpoint positions.
 * @module
 */
import type { Logger } from "../log.ts";
import type {
  ImageRef,
  ImageResult,
  ImageTensor,
  MessagePosition,
  ModalityWeights,
  ParseResult,
  ProductEvent,
  ProductRecord,
  SourceMessage,
} from "../types.ts";
import type { Clock } from "./clock.ts";
import type { PipelineMetrics } from "./metrics.ts";
import { batches, mapOrdered, readAhead } from "./streams.ts";
import { TombstoneCache } from "./tombstones.ts";

/** The slice of the index the pipeline writes to. */
export interface PipelineIndex {
  get(id: string): ProductRecord | undefined;
  upsert(record: ProductRecord, vector: Float32Array): void;
  remove(id: string): boolean;
}

/** What the pipeline is composed of; the composition root (`app/start.ts`) wires the real stages in. */
export interface PipelineDeps {
  readonly source: AsyncIterable<SourceMessage>;
  parse(message: SourceMessage): ParseResult;
  loadImage(ref: ImageRef): Promise<ImageResult>;
  encode(
    batch: ReadonlyArray<{ title: string; image: ImageTensor | null }>,
  ): Promise<ReadonlyArray<{ vector: Float32Array; weights: ModalityWeights }>>;
  /** The live index; read again for every event, so a live swap never loses a write. */
  index(): PipelineIndex;
  deadLetter(
    message: SourceMessage,
    reason: string,
    detail: string,
  ): Promise<void>;
  /** Called after every batch is in the index, with the last offset per partition. */
  checkpoint(positions: MessagePosition[], applied: number): Promise<void>;
  readonly log: Logger;
  /** The pipeline's series (create one per registry and share it with /stats). */
  readonly metrics: PipelineMetrics;
  readonly clock: Clock;
}

/** Tuning of {@linkcode runPipeline}. */
export interface PipelineOptions {
  /** Products encoded per batch at most. @default 32 */
  readonly maxBatchSize: number;
  /** Longest the first item of a batch waits, in ms. @default 20 */
  readonly maxWaitMs: number;
  /** Images fetched and decoded at once. @default 4 */
  readonly imageConcurrency: number;
  /**
   * Prepared (parsed, image-loaded) events read ahead of the batcher, so images keep
   * loading while a batch is being encoded; 0 turns read-ahead off. @default maxBatchSize
   */
  readonly readAheadItems?: number;
  /** Delete versions remembered so a late, older upsert cannot resurrect a product. @default 100000 */
  readonly tombstoneCapacity?: number;
  /** Delete versions to start from (restored from a snapshot); overrides `tombstoneCapacity`. */
  readonly tombstones?: TombstoneCache;
}

/** Totals of one pipeline run. */
export interface PipelineSummary {
  consumed: number;
  upserted: number;
  deleted: number;
  stale: number;
  deadLettered: number;
  batches: number;
}

interface Prepared {
  readonly message: SourceMessage;
  readonly parsed: ParseResult;
  readonly image: ImageResult | null;
}

/** Runs until the source ends (it ends when it is stopped), then returns totals. */
export async function runPipeline(
  deps: PipelineDeps,
  options: PipelineOptions,
): Promise<PipelineSummary> {
  const summary: PipelineSummary = {
    consumed: 0,
    upserted: 0,
    deleted: 0,
    stale: 0,
    deadLettered: 0,
    batches: 0,
  };
  const m = deps.metrics;
  const tombstones = options.tombstones ??
    new TombstoneCache(options.tombstoneCapacity ?? 100_000);
  const prepare = async (message: SourceMessage): Promise<Prepared> => {
    summary.consumed++;
    m.consumed.inc();
    const parsed = deps.parse(message);
    const ref = parsed.kind === "ok" && parsed.event.op === "upsert"
      ? parsed.event.image
      : undefined;
    return { message, parsed, image: ref ? await deps.loadImage(ref) : null };
  };
  const prepared = mapOrdered(deps.source, prepare, {
    concurrency: options.imageConcurrency,
  });
  const ahead = options.readAheadItems ?? options.maxBatchSize;
  const grouped = batches(
    ahead > 0 ? readAhead(prepared, { size: ahead }) : prepared,
    {
      maxSize: options.maxBatchSize,
      maxWaitMs: options.maxWaitMs,
      clock: deps.clock,
    },
  );
  for await (const batch of grouped) {
    const started = deps.clock.now();
    await applyBatch(deps, batch, { summary, m, tombstones });
    const positions = lastPositions(batch.map((p) => p.message));
    await deps.checkpoint(positions, batch.length);
    summary.batches++;
    m.batchSize.observe(batch.length);
    m.batchMs.observe(deps.clock.now() - started);
  }
  return summary;
}

interface BatchState {
  readonly summary: PipelineSummary;
  readonly m: PipelineMetrics;
  readonly tombstones: TombstoneCache;
}

async function applyBatch(
  deps: PipelineDeps,
  batch: Prepared[],
  state: BatchState,
): Promise<void> {
  const upserts = batch.filter((p) =>
    p.parsed.kind === "ok" && p.parsed.event.op === "upsert"
  );
  const inputs = upserts.map((p) => {
    const event =
      (p.parsed as { event: ProductEvent & { op: "upsert" } }).event;
    return {
      title: event.title,
      image: p.image?.kind === "ok" ? p.image.tensor : null,
    };
  });
  const encodeStarted = deps.clock.now();
  const encoded = inputs.length > 0 ? await deps.encode(inputs) : [];
  if (encoded.length !== inputs.length) {
    throw new RangeError(
      `Cannot apply batch: encoder returned ${encoded.length} vectors for ${inputs.length} products`,
    );
  }
  if (inputs.length > 0) {
    state.m.encodeMs.observe(deps.clock.now() - encodeStarted);
  }
  const vectors = new Map(upserts.map((p, i) => [p, encoded[i]!]));
  for (const item of batch) {
    // Read the live index per event: a swap may happen while a dead-letter send is awaited.
    await applyOne(deps, deps.index(), item, vectors.get(item), state);
  }
}

async function applyOne(
  deps: PipelineDeps,
  index: PipelineIndex,
  item: Prepared,
  encoded: { vector: Float32Array; weights: ModalityWeights } | undefined,
  { summary, m, tombstones }: BatchState,
): Promise<void> {
  const { message, parsed } = item;
  const where = {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
  };
  if (parsed.kind === "bad") {
    await deps.deadLetter(message, parsed.reason, parsed.detail);
    summary.deadLettered++;
    m.dlq.inc({ reason: parsed.reason });
    deps.log.warn("event_dead_lettered", {
      ...where,
      reason: parsed.reason,
      detail: parsed.detail,
    });
    return;
  }
  const event = parsed.event;
  const stored = index.get(event.id);
  if (isStale(event, stored, tombstones)) {
    summary.stale++;
    m.events.inc({ result: "stale" });
    deps.log.info("event_stale", {
      ...where,
      productId: event.id,
      version: event.version,
      storedVersion: stored?.version,
    });
    return;
  }
  if (event.op === "delete") {
    const removed = index.remove(event.id);
    if (event.version !== undefined) tombstones.set(event.id, event.version);
    summary.deleted++;
    m.events.inc({ result: removed ? "deleted" : "deleted_absent" });
  } else {
    if (!encoded) {
      throw new Error(
        `Cannot apply upsert of "${event.id}": no vector was encoded`,
      );
    }
    const skipped = item.image?.kind === "skipped" ? item.image : undefined;
    const thumb = item.image?.kind === "ok" ? item.image.thumb : undefined;
    if (skipped) {
      m.imageSkipped.inc({ reason: skipped.reason });
      deps.log.warn("image_skipped", {
        ...where,
        productId: event.id,
        reason: skipped.reason,
        detail: skipped.detail,
      });
    }
    const now = deps.clock.now();
    index.upsert({
      id: event.id,
      title: event.title,
      attrs: event.attrs,
      version: event.version ?? 0,
      weights: encoded.weights,
      ...(skipped ? { imageSkipped: skipped.reason } : {}),
      ...(thumb ? { thumb } : {}),
      eventTimeMs: message.timestampMs,
      indexedAtMs: now,
    }, encoded.vector);
    tombstones.delete(event.id);
    summary.upserted++;
    m.events.inc({ result: "upserted" });
    m.freshness.observe(Math.max(0, now - message.timestampMs));
  }
  m.lastEventTime.set(message.timestampMs);
}

/** An event is stale when its version is below the stored (or deleted) version. */
function isStale(
  event: ProductEvent,
  stored: ProductRecord | undefined,
  tombstones: TombstoneCache,
): boolean {
  if (event.version === undefined) return false;
  if (stored !== undefined) return event.version < stored.version;
  const deletedAt = tombstones.get(event.id);
  return event.op === "upsert" && deletedAt !== undefined &&
    event.version <= deletedAt;
}

/** The last offset of each topic-partition in `messages` (which are in log order). */
export function lastPositions(
  messages: readonly SourceMessage[],
): MessagePosition[] {
  const last = new Map<string, MessagePosition>();
  for (const { topic, partition, offset } of messages) {
    const key = `${topic}\u0000${partition}`;
    const prev = last.get(key);
    if (!prev || BigInt(offset) > BigInt(prev.offset)) {
      last.set(key, { topic, partition, offset });
    }
  }
  return [...last.values()];
}
