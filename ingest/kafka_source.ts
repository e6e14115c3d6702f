/**
 * The Kafka {@linkcode EventSource}: a kafkajs consumer group bridged to a pull-based
 * async iterator through a bounded buffer.
 *
 * Backpressure: kafkajs pushes batches into `eachBatch`; the handler awaits space in the
 * buffer, so a slow pipeline stops fetching instead of growing memory, and heartbeats
 * while it waits so the group does not evict it.
 *
 * Rebalances: on every group join the buffer is emptied, because kafkajs restarts each
 * assigned partition from its committed offset; messages already handed out but not
 * committed are delivered again (at-least-once), and commits of partitions this
 * consumer no longer owns are skipped (their new owner redelivers them).
 *
 * Broker loss: kafkajs retries with backoff and restarts the consumer after a
 * retriable crash; the source reports "disconnected" meanwhile and resumes by itself.
 * A non-retriable crash ends the iteration with a {@linkcode SourceError}.
 * @module
 */
import type { Consumer, EachBatchPayload } from "kafkajs";
import { SourceError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { watchOffsetResets } from "./_offset_resets.ts";
import type { MessagePosition, SourceMessage } from "../types.ts";
import { BoundedQueue } from "./_bounded_queue.ts";
import { createKafkaClient } from "./_client.ts";
import { OPTIONS } from "../config.ts";
import { withTimeout } from "../delay.ts";
import { toSourceMessage } from "./_convert.ts";
import { LagPoller } from "./_lag_poller.ts";
import { PartitionTracker } from "./_partition_tracker.ts";
import { SourceHealth } from "./_source_health.ts";
import type { EventSource, SourceStatus } from "./event_source.ts";

/** Options of {@linkcode createKafkaSource}. */
export interface KafkaSourceOptions {
  /** Bootstrap brokers, `host:port`. */
  readonly brokers: readonly string[];
  /** Topic of product events. */
  readonly topic: string;
  /** Consumer group. @default `KAFKA_GROUP`'s default (config.ts) */
  readonly groupId?: string;
  /** Client id reported to the brokers. @default `KAFKA_CLIENT_ID`'s default (config.ts) */
  readonly clientId?: string;
  /** Logger for source events and kafkajs. */
  readonly log: Logger;
  /** Messages buffered between Kafka and the iterator. @default `KAFKA_MAX_BUFFERED`'s */
  readonly maxBufferedMessages?: number;
  /**
   * Consumer session timeout, also used as the rebalance timeout: a member killed
   * mid-rebalance holds the group up for this long, not kafkajs' default 60 s.
   * @default `KAFKA_SESSION_TIMEOUT_MS`'s
   */
  readonly sessionTimeoutMs?: number;
  /** Must be under a third of the session timeout. @default `KAFKA_HEARTBEAT_INTERVAL_MS`'s */
  readonly heartbeatIntervalMs?: number;
  /** A new group starts at the earliest offset. @default true */
  readonly fromBeginning?: boolean;
  /** Most bytes one fetch returns. @default 5242880 */
  readonly maxFetchBytes?: number;
  /** Most bytes one fetch returns per partition. @default 1048576 */
  readonly maxBytesPerPartition?: number;
  /**
   * Cluster metadata is refreshed at least this often, so partitions added to the topic
   * are noticed (kafkajs then rejoins the group and they are assigned). @default 10000
   */
  readonly metadataMaxAgeMs?: number;
  /** How often lag and reachability are refreshed. @default 2000 */
  readonly lagIntervalMs?: number;
  /** No answer from the cluster for this long means "disconnected". @default 10000 */
  readonly staleAfterMs?: number;
  /**
   * Called on every group join with the partitions now assigned and those taken away
   * since the previous join. It may return the offset to read next per assigned
   * partition (e.g. what the caller's own snapshot covers); those partitions start
   * there instead of at the group's committed offset. @default none (committed offsets)
   */
  readonly onAssign?: (
    change: { assigned: readonly number[]; revoked: readonly number[] },
  ) => Readonly<Record<number, string>> | void;
  /**
   * Called when the next offset to fetch of a partition was no longer in the log and
   * kafkajs moved it to the log start (retention deleted events not read yet): what lay
   * in between was skipped. @default none
   */
  readonly onOffsetReset?: (partition: number) => void;
}

/** A Kafka event source with lag and connection status. */
export interface KafkaSource extends EventSource {
  /** Connection state, lag per partition, buffer fill. */
  status(): SourceStatus;
  /**
   * Reads the given assigned partitions again from the given offsets (a rebuild):
   * their buffered messages, and any fetched before this call, are never handed out.
   */
  rewind(offsets: Readonly<Record<number, string>>): void;
}

/** A buffered message and its partition's rewind count when it was fetched. */
interface Buffered {
  readonly message: SourceMessage;
  readonly epoch: number;
}

/**
 * Connects, joins the group and starts fetching into the bounded buffer.
 * @throws {SourceError} when the cluster cannot be reached (retryable)
 */
export async function createKafkaSource(
  options: KafkaSourceOptions,
): Promise<KafkaSource> {
  return await KafkaSourceImpl.create(options);
}

class KafkaSourceImpl implements KafkaSource {
  #consumer: Consumer;
  #queue: BoundedQueue<Buffered>;
  /** Rewinds per partition; a message fetched before the latest one is dropped. */
  readonly #epochs = new Map<number, number>();
  #tracker: PartitionTracker;
  #health: SourceHealth;
  #poller: LagPoller;
  #log: Logger;
  #options: KafkaSourceOptions;
  #failure: SourceError | null = null;
  #iterating = false;
  #disposed = false;

  private constructor(options: KafkaSourceOptions) {
    this.#options = options;
    this.#log = options.log;
    const client = {
      brokers: options.brokers,
      clientId: options.clientId ?? OPTIONS.kafka.clientId.default,
    };
    const kafka = createKafkaClient({
      ...client,
      log: watchOffsetResets(
        options.log.child({ component: "kafkajs" }),
        options.topic,
        (partition) => options.onOffsetReset?.(partition),
      ),
    });
    this.#consumer = kafka.consumer({
      groupId: options.groupId ?? OPTIONS.kafka.groupId.default,
      sessionTimeout: options.sessionTimeoutMs ??
        OPTIONS.kafka.sessionTimeoutMs.default,
      rebalanceTimeout: options.sessionTimeoutMs ??
        OPTIONS.kafka.sessionTimeoutMs.default,
      heartbeatInterval: options.heartbeatIntervalMs ??
        OPTIONS.kafka.heartbeatIntervalMs.default,
      maxBytes: options.maxFetchBytes ?? 5 * 1024 * 1024,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 1024 * 1024,
      maxWaitTimeInMs: 1000,
      metadataMaxAge: options.metadataMaxAgeMs ?? 10_000,
      allowAutoTopicCreation: false,
    });
    this.#queue = new BoundedQueue(
      options.maxBufferedMessages ?? OPTIONS.kafka.maxBufferedMessages.default,
    );
    this.#tracker = new PartitionTracker(options.topic);
    this.#health = new SourceHealth({
      log: options.log,
      staleAfterMs: options.staleAfterMs ?? 10_000,
    });
    const admin = createKafkaClient({ ...client, retries: 0 }).admin();
    this.#poller = new LagPoller(admin, {
      groupId: options.groupId ?? OPTIONS.kafka.groupId.default,
      tracker: this.#tracker,
      intervalMs: options.lagIntervalMs ?? 2000,
      hooks: {
        onSuccess: () => this.#health.contact(),
        onFailure: (err) => this.#health.problem(err),
      },
    });
  }

  static async create(options: KafkaSourceOptions): Promise<KafkaSourceImpl> {
    const source = new KafkaSourceImpl(options);
    source.#listen();
    try {
      await source.#consumer.connect();
      await source.#consumer.subscribe({
        topics: [options.topic],
        fromBeginning: options.fromBeginning ?? true,
      });
      await source.#consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => source.#onBatch(payload),
      });
    } catch (err) {
      await source[Symbol.asyncDispose]();
      throw new SourceError(
        `Cannot start Kafka consumer for topic "${options.topic}" on ${
          options.brokers.join(",")
        }: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err, retryable: true },
      );
    }
    source.#poller.start();
    return source;
  }

  /** Pushes a batch into the buffer, waiting (and heartbeating) while it is full. */
  async #onBatch(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    this.#tracker.onHighWatermark(batch.partition, batch.highWatermark);
    const tickMs = this.#options.heartbeatIntervalMs ??
      OPTIONS.kafka.heartbeatIntervalMs.default;
    for (const m of batch.messages) {
      if (!p.isRunning() || p.isStale()) return;
      const message = toSourceMessage(batch.topic, batch.partition, m);
      const epoch = this.#epochs.get(batch.partition) ?? 0;
      const pushed = await this.#queue.push({ message, epoch }, {
        tickMs,
        onTick: () => p.heartbeat(),
      });
      if (!pushed) return;
      p.resolveOffset(m.offset);
    }
    await p.heartbeat();
  }

  #listen(): void {
    const c = this.#consumer;
    const { events } = c;
    c.on(events.GROUP_JOIN, (e) => {
      const partitions = e.payload.memberAssignment[this.#options.topic] ?? [];
      const revoked = this.#tracker.assigned().filter((p) =>
        !partitions.includes(p)
      );
      this.#tracker.assign(partitions);
      this.#seek(this.#options.onAssign?.({ assigned: partitions, revoked }));
      const dropped = this.#queue.purge(() => true);
      this.#health.contact();
      this.#log.info("kafka_group_joined", {
        topic: this.#options.topic,
        partitions,
        generation: this.#tracker.generations,
        droppedBuffered: dropped,
      });
    });
    c.on(events.FETCH, () => this.#health.contact());
    c.on(events.HEARTBEAT, () => this.#health.contact());
    c.on(events.CRASH, (e) => {
      this.#health.problem(e.payload.error);
      this.#tracker.clear();
      if (!e.payload.restart && !this.#disposed) this.#fail(e.payload.error);
    });
  }

  /** Starts partitions at the given offsets (applied before the next fetch). */
  #seek(offsets: Readonly<Record<number, string>> | void): void {
    for (const [partition, offset] of Object.entries(offsets ?? {})) {
      this.#consumer.seek({
        topic: this.#options.topic,
        partition: Number(partition),
        offset,
      });
      this.#log.info("kafka_seek", { partition: Number(partition), offset });
    }
  }

  rewind(offsets: Readonly<Record<number, string>>): void {
    const partitions = new Set(Object.keys(offsets).map(Number));
    for (const p of partitions) {
      this.#epochs.set(p, (this.#epochs.get(p) ?? 0) + 1);
      this.#tracker.rewind(p);
    }
    const dropped = this.#queue.purge((b) =>
      partitions.has(b.message.partition)
    );
    this.#seek(offsets);
    this.#log.info("kafka_rewound", { offsets, droppedBuffered: dropped });
  }

  #fail(err: Error): void {
    this.#failure = new SourceError(
      `Kafka consumer for topic "${this.#options.topic}" stopped: ${err.message}`,
      { cause: err },
    );
    this.#health.failed(err);
    this.#queue.close();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SourceMessage> {
    if (this.#iterating) {
      throw new TypeError(
        "Cannot iterate Kafka source: it is already being iterated",
      );
    }
    this.#iterating = true;
    try {
      for (;;) {
        const item = await this.#queue.take();
        if (item === undefined) break;
        const { message, epoch } = item;
        // Fetched before a rewind of its partition: it comes again from the new position.
        if (epoch !== (this.#epochs.get(message.partition) ?? 0)) continue;
        this.#tracker.onDelivered(message.partition, message.offset);
        yield message;
      }
      if (this.#failure) throw this.#failure;
    } finally {
      this.#iterating = false;
    }
  }

  async commit(positions: readonly MessagePosition[]): Promise<void> {
    const { offsets, skipped } = this.#tracker.toCommit(positions);
    for (const pos of skipped) {
      this.#log.info("kafka_commit_skipped", { ...pos, why: "not assigned" });
    }
    if (offsets.length === 0) return;
    const topic = this.#options.topic;
    try {
      await this.#consumer.commitOffsets(offsets.map((o) => ({ topic, ...o })));
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      throw new SourceError(
        `Cannot commit offsets ${
          JSON.stringify(offsets)
        } of "${topic}": ${detail}`,
        { cause: err, retryable: true },
      );
    }
    for (const o of offsets) this.#tracker.onCommitted(o.partition, o.offset);
  }

  status(): SourceStatus {
    const partitions = this.#tracker.lag();
    return {
      ...this.#health.snapshot(),
      buffered: this.#queue.size,
      partitions,
      totalLag: partitions.reduce((sum, p) => sum + (p.lag ?? 0), 0),
      rebalances: this.#tracker.generations,
    };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#queue.close();
    await this.#poller.stop();
    try {
      await withTimeout(30_000, () => this.#consumer.disconnect());
    } catch (err) {
      this.#log.warn("kafka_consumer_disconnect_failed", { error: err });
    }
    this.#health.stopped();
    this.#log.info("kafka_source_stopped", { topic: this.#options.topic });
  }
}
