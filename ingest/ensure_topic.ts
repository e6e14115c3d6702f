/**
 * Creates a topic if it does not exist (the broker does not auto-create topics).
 * @module
 */
import { SourceError } from "../errors.ts";
import { OPTIONS } from "../config.ts";
import type { Logger } from "../log.ts";
import { createKafkaClient } from "./_client.ts";
import { delay, withTimeout } from "../delay.ts";
import kafkajs from "kafkajs";

// kafkajs exports its error classes by spreading; only the default import sees them.
const { KafkaJSProtocolError } = kafkajs;

/** Options of {@linkcode ensureTopic}. */
export interface EnsureTopicOptions {
  /** Topic name. */
  readonly topic: string;
  /** Partitions when creating; an existing topic keeps its own count. */
  readonly partitions: number;
  /** `cleanup.policy=compact` (the products topic) or `delete` (the DLQ). */
  readonly compacted: boolean;
  /** Replicas when creating. @default -1 (the broker's default.replication.factor) */
  readonly replicationFactor?: number;
  /** Where kafkajs and creation events are logged; none drops them. */
  readonly log?: Logger;
  /** Give up after this long. @default 60000 */
  readonly timeoutMs?: number;
}

/** What {@linkcode ensureTopic} found or made. */
export interface TopicInfo {
  /** Topic name. */
  readonly topic: string;
  /** Whether this call created it. */
  readonly created: boolean;
  /** Its partition count. */
  readonly partitions: number;
  /** The topic's actual `cleanup.policy`, e.g. "compact". */
  readonly cleanupPolicy: string;
}

/**
 * Creates `topic` unless it exists, then describes it.
 * @throws {RangeError} for a partition count below 1
 * @throws {SourceError} when the cluster cannot be reached or refuses
 */
export async function ensureTopic(
  brokers: readonly string[],
  options: EnsureTopicOptions,
): Promise<TopicInfo> {
  const { topic, partitions, compacted } = options;
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new RangeError(
      `Cannot create topic "${topic}": partitions must be an integer >= 1, got ${partitions}`,
    );
  }
  const admin = createKafkaClient({
    brokers,
    clientId: `${OPTIONS.kafka.clientId.default}-admin`,
    log: options.log,
  }).admin();
  try {
    const info = await withTimeout(options.timeoutMs ?? 60_000, async () => {
      await admin.connect();
      // Creating an existing topic works but makes kafkajs log an error line: look first.
      const exists = (await admin.listTopics()).includes(topic);
      const created = !exists && await admin.createTopics({
        // kafkajs' own wait retries only LEADER_NOT_AVAILABLE, but a KRaft broker answers
        // UNKNOWN_TOPIC_OR_PARTITION until it has applied the new topic to its metadata
        // cache, and kafkajs then fails a create that succeeded. describeWhenKnown waits
        // for both instead.
        waitForLeaders: false,
        topics: [{
          topic,
          numPartitions: partitions,
          replicationFactor: options.replicationFactor ?? -1,
          configEntries: [{
            name: "cleanup.policy",
            value: compacted ? "compact" : "delete",
          }],
        }],
      });
      return await describeWhenKnown(admin, topic, created);
    });
    options.log?.info(info.created ? "topic_created" : "topic_exists", {
      ...info,
    });
    return info;
  } catch (err) {
    throw new SourceError(
      `Cannot ensure topic "${topic}" on ${brokers.join(",")}: ${
        errorText(err)
      }`,
      { cause: err, retryable: true },
    );
  } finally {
    await withTimeout(10_000, () => admin.disconnect()).catch(() => {
      // A throwaway admin client: nothing more to release if its disconnect fails.
    });
  }
}

type Admin = ReturnType<ReturnType<typeof createKafkaClient>["admin"]>;

/** The admin calls {@linkcode describeWhenKnown} makes. */
export type DescribeAdmin = Pick<
  Admin,
  "fetchTopicMetadata" | "describeConfigs"
>;

/**
 * Describes `topic` once every partition has a leader, waiting out the moment after it
 * is created when a broker does not know it yet ("does not host this topic-partition")
 * or has not elected its leaders: at most `attempts` tries with a growing pause. Other
 * errors are thrown at once.
 * @throws {SourceError} when a partition still has no leader after the last attempt
 */
export async function describeWhenKnown(
  admin: DescribeAdmin,
  topic: string,
  created: boolean,
  options: { attempts?: number; pauseMs?: number } = {},
): Promise<TopicInfo> {
  const attempts = options.attempts ?? 20;
  for (let attempt = 1;; attempt++) {
    let info: TopicInfo | undefined;
    try {
      info = await describe(admin, topic, created);
    } catch (err: unknown) {
      if (!notReadyYet(err) || attempt >= attempts) throw err;
    }
    if (info) return info;
    if (attempt >= attempts) {
      throw new SourceError(
        `Topic "${topic}" still has partitions without a leader after ${attempts} attempts`,
        { retryable: true },
      );
    }
    await delay((options.pauseMs ?? 100) * attempt);
  }
}

/** The topic's description, or undefined while it has no partitions or a leaderless one. */
async function describe(
  admin: DescribeAdmin,
  topic: string,
  created: boolean,
): Promise<TopicInfo | undefined> {
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  const partitions = meta.topics.find((t) => t.name === topic)?.partitions ??
    [];
  if (partitions.length === 0 || partitions.some((p) => p.leader < 0)) {
    return undefined;
  }
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: 2, /* TOPIC */ name: topic }],
  });
  const policy = configs.resources[0]?.configEntries.find((e) =>
    e.configName === "cleanup.policy"
  );
  return {
    topic,
    created,
    partitions: partitions.length,
    cleanupPolicy: policy?.configValue ?? "unknown",
  };
}

/** Errors a broker answers while a new topic settles, also when kafkajs wrapped them. */
const NOT_READY_YET = new Set([
  "UNKNOWN_TOPIC_OR_PARTITION",
  "LEADER_NOT_AVAILABLE",
]);

function notReadyYet(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; depth++) {
    if (e instanceof KafkaJSProtocolError && NOT_READY_YET.has(e.type)) {
      return true;
    }
    e = e.cause;
  }
  return false;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
