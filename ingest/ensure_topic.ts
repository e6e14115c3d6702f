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
  const { topic, partitions } = options;
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
      return await createOrDescribe(admin, options);
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

/** The admin calls {@linkcode createOrDescribe} makes. */
export type CreateAdmin =
  & Pick<Admin, "listTopics" | "createTopics">
  & DescribeAdmin;

/**
 * Creates the topic unless it exists, then describes it. kafkajs' wait for the new
 * topic's leaders reads metadata once more and fails with UNKNOWN_TOPIC_OR_PARTITION
 * when the broker has not caught up with its own creation yet (seen with several
 * services starting at once): the topic was created then, and is described once known.
 */
export async function createOrDescribe(
  admin: CreateAdmin,
  options: Pick<
    EnsureTopicOptions,
    "topic" | "partitions" | "compacted" | "replicationFactor"
  >,
): Promise<TopicInfo> {
  const { topic } = options;
  // Creating an existing topic works but makes kafkajs log an error line: look first.
  const exists = (await admin.listTopics()).includes(topic);
  const created = !exists && await admin.createTopics({
    waitForLeaders: true,
    topics: [{
      topic,
      numPartitions: options.partitions,
      replicationFactor: options.replicationFactor ?? -1,
      configEntries: [{
        name: "cleanup.policy",
        value: options.compacted ? "compact" : "delete",
      }],
    }],
  }).catch((err: unknown) => {
    if (topicUnknownYet(err)) return true;
    throw err;
  });
  return await describeWhenKnown(admin, topic, created);
}

/** The admin calls {@linkcode describeWhenKnown} makes. */
export type DescribeAdmin = Pick<
  Admin,
  "fetchTopicMetadata" | "describeConfigs"
>;

/**
 * Describes `topic`, waiting out the moment after it is created when a broker does not
 * know it yet (a retriable "does not host this topic-partition"), at most `attempts`
 * times with a growing pause; other errors are thrown at once.
 */
export async function describeWhenKnown(
  admin: DescribeAdmin,
  topic: string,
  created: boolean,
  options: { attempts?: number; pauseMs?: number } = {},
): Promise<TopicInfo> {
  const attempts = options.attempts ?? 20;
  for (let attempt = 1;; attempt++) {
    try {
      return await describe(admin, topic, created);
    } catch (err: unknown) {
      if (!topicUnknownYet(err) || attempt >= attempts) throw err;
      await delay((options.pauseMs ?? 100) * attempt);
    }
  }
}

async function describe(
  admin: DescribeAdmin,
  topic: string,
  created: boolean,
): Promise<TopicInfo> {
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
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
    partitions: meta.topics[0]?.partitions.length ?? 0,
    cleanupPolicy: policy?.configValue ?? "unknown",
  };
}

/** UNKNOWN_TOPIC_OR_PARTITION, also when kafkajs wrapped it after its own retries. */
function topicUnknownYet(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; depth++) {
    if (
      e instanceof KafkaJSProtocolError &&
      e.type === "UNKNOWN_TOPIC_OR_PARTITION"
    ) return true;
    e = e.cause;
  }
  return false;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
