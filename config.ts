/**
 * Configuration: the only module that reads the service's environment. Every option is
 * declared once in {@linkcode OPTIONS} (environment variable, default, limits, doc
 * line); the {@linkcode Config} type, `loadConfig()`, `redactConfig()`, the README's
 * configuration table and `deno task ingest --help` all come from those declarations.
 * `loadConfig()` reports every problem at once in a {@linkcode ConfigError}.
 * @module
 */
import { ConfigError } from "./errors.ts";
import type { LogLevel } from "./log.ts";
import {
  boolean,
  choice,
  hostPorts,
  integer,
  leaves,
  mapTree,
  type Option,
  readOption,
  shownDefault,
  text,
  type ValuesOf,
} from "./config_options.ts";

const TOPIC = {
  pattern: /^[a-zA-Z0-9._-]{1,249}$/,
  shape: "a Kafka topic name ([a-zA-Z0-9._-]{1,249})",
  accepts: "`[a-zA-Z0-9._-]{1,249}`",
};
const DAY_MS = 86_400_000;

/** Every option of the service, section by section, in the order the README lists them. */
export const OPTIONS = {
  /** Kafka connection, topics and consumer tuning. */
  kafka: {
    brokers: hostPorts({
      env: "KAFKA_BROKERS",
      default: [],
      shownDefault: "(embedded broker)",
      doc: "Comma-separated host:port list",
    }),
    embeddedPort: integer({
      env: "KAFKA_EMBEDDED_PORT",
      default: 9092,
      min: 1,
      max: 65535,
      doc: "Port of the embedded broker",
    }),
    topic: text({
      env: "KAFKA_TOPIC",
      default: "products",
      ...TOPIC,
      doc: "Topic of product events",
    }),
    dlqTopic: text({
      env: "KAFKA_DLQ_TOPIC",
      default: "products.dlq",
      ...TOPIC,
      doc: "Dead-letter topic",
    }),
    groupId: text({
      env: "KAFKA_GROUP",
      default: "product-indexer",
      doc: "Consumer group id",
    }),
    clientId: text({
      env: "KAFKA_CLIENT_ID",
      default: "make-indexer",
      doc: "Kafka client id",
    }),
    partitions: integer({
      env: "KAFKA_PARTITIONS",
      default: 2,
      min: 1,
      max: 1024,
      doc: "Partitions when the topic is created",
    }),
    sessionTimeoutMs: integer({
      env: "KAFKA_SESSION_TIMEOUT_MS",
      default: 10_000,
      min: 6_000,
      max: 300_000,
      doc:
        "Consumer session timeout: how long a killed member holds its partitions; also the rebalance timeout",
    }),
    heartbeatIntervalMs: integer({
      env: "KAFKA_HEARTBEAT_INTERVAL_MS",
      default: 1_000,
      min: 100,
      max: 100_000,
      doc: "Heartbeat; < session/3",
    }),
    maxBufferedMessages: integer({
      env: "KAFKA_MAX_BUFFERED",
      default: 512,
      min: 1,
      max: 100_000,
      doc: "Messages buffered before the pipeline",
    }),
    logCheckMs: integer({
      env: "KAFKA_LOG_CHECK_MS",
      default: 5_000,
      min: 100,
      max: 3_600_000,
      doc:
        "How often the index is checked against the log (ms); see docs/OPERATIONS.md",
    }),
  },
  /** Image fetching and decoding limits. */
  images: {
    maxBytes: integer({
      env: "IMAGE_MAX_BYTES",
      default: 10 * 1024 * 1024,
      min: 1024,
      max: 1024 ** 3,
      doc: "Largest image accepted (bytes; URL, file or base64)",
    }),
    timeoutMs: integer({
      env: "IMAGE_TIMEOUT_MS",
      default: 5_000,
      min: 10,
      max: 600_000,
      doc: "Time limit to fetch one image URL",
    }),
    maxPixels: integer({
      env: "IMAGE_MAX_PIXELS",
      default: 25_000_000,
      min: 1,
      max: 1_000_000_000,
      doc: "Largest decoded image (w×h)",
    }),
    allowPrivateNetwork: boolean({
      env: "IMAGE_ALLOW_PRIVATE_NETWORK",
      default: false,
      doc: "Allow image URLs on loopback/private/link-local addresses",
    }),
    baseDir: text({
      env: "IMAGE_BASE_DIR",
      default: ".",
      doc: "Base of relative image paths",
    }),
    concurrency: integer({
      env: "IMAGE_CONCURRENCY",
      default: 4,
      min: 1,
      max: 256,
      doc: "Images fetched/decoded at once",
    }),
    workers: integer({
      env: "IMAGE_WORKERS",
      default: 2,
      min: 0,
      max: 64,
      doc:
        "Worker threads decoding images beside the native encoder (0 = main thread)",
    }),
  },
  /** Model bundle, device and batching. */
  encoder: {
    modelDir: text({
      env: "MODEL_DIR",
      default: "model/default",
      doc: "Model bundle folder",
    }),
    device: choice({
      env: "ENCODER_DEVICE",
      choices: ["auto", "webgpu", "native", "wasm"],
      default: "auto",
      doc:
        "Where the encoders run; auto: WebGPU on a real GPU, else native CPU, else wasm",
    }),
    maxBatchSize: integer({
      env: "ENCODE_MAX_BATCH",
      default: 32,
      min: 1,
      max: 1024,
      doc: "Products per encoder batch",
    }),
    maxWaitMs: integer({
      env: "ENCODE_MAX_WAIT_MS",
      default: 20,
      min: 0,
      max: 60_000,
      doc: "Longest wait for a batch to fill",
    }),
  },
  /** Vector index parameters. */
  index: {
    connectivity: integer({
      env: "INDEX_CONNECTIVITY",
      default: 16,
      min: 2,
      max: 256,
      doc: "HNSW degree",
    }),
    expansionAdd: integer({
      env: "INDEX_EXPANSION_ADD",
      default: 64,
      min: 1,
      max: 10_000,
      doc: "HNSW expansion while inserting",
    }),
    expansionSearch: integer({
      env: "INDEX_EXPANSION_SEARCH",
      default: 64,
      min: 10,
      max: 10_000,
      doc:
        "HNSW expansion while searching: the default ef (at least 10, so top-10 results are searched exhaustively enough)",
    }),
    quantization: choice({
      env: "INDEX_QUANTIZATION",
      choices: ["f32", "f16", "i8"],
      default: "f32",
      doc: "Stored scalar type",
    }),
  },
  /** When the index is rebuilt without stale slots. */
  compaction: {
    stalePercent: integer({
      env: "COMPACT_STALE_PERCENT",
      default: 30,
      min: 0,
      max: 100,
      doc: "Compact at this % of stale index slots; 0 = off",
    }),
    checkMs: integer({
      env: "COMPACT_CHECK_MS",
      default: 10_000,
      min: 10,
      max: DAY_MS,
      doc: "How often the stale share is checked",
    }),
    minStaleRows: integer({
      env: "COMPACT_MIN_STALE",
      default: 1000,
      min: 1,
      max: 1_000_000_000,
      doc: "Fewest stale slots worth a compaction",
    }),
  },
  /** When snapshots are taken and how many are kept. */
  snapshots: {
    intervalMs: integer({
      env: "SNAPSHOT_INTERVAL_MS",
      default: 30_000,
      min: 100,
      max: DAY_MS,
      doc: "Snapshot period while events arrive",
    }),
    everyEvents: integer({
      env: "SNAPSHOT_EVERY_EVENTS",
      default: 10_000,
      min: 1,
      max: 100_000_000,
      doc: "Snapshot after N applied events (whichever comes first)",
    }),
    keep: integer({
      env: "SNAPSHOT_KEEP",
      default: 3,
      min: 1,
      max: 100,
      doc: "Snapshots kept on disk",
    }),
  },
  /** Where snapshots and the embedded broker's data live. */
  dataDir: text({
    env: "DATA_DIR",
    default: "data",
    doc: "Snapshots and embedded broker data",
  }),
  /** HTTP listener, admin token and request limits. */
  http: {
    host: text({
      env: "HOST",
      default: "127.0.0.1",
      doc: "HTTP listen address",
    }),
    port: integer({
      env: "PORT",
      default: 8080,
      min: 0,
      max: 65535,
      doc: "HTTP port (0 picks a free one)",
    }),
    maxSearchesInFlight: integer({
      env: "SEARCH_MAX_IN_FLIGHT",
      default: 32,
      min: 1,
      max: 100_000,
      doc:
        "Searches at once before `/search` answers 503 with `Retry-After` (see docs/OPERATIONS.md)",
    }),
    adminToken: text({
      env: "ADMIN_TOKEN",
      default: "",
      shownDefault: "(unset: admin off)",
      accepts: "16+ characters",
      minLength: 16,
      secret: true,
      doc: "Bearer token for /admin",
    }),
    statsLogMs: integer({
      env: "STATS_LOG_MS",
      default: 60_000,
      min: 0,
      max: DAY_MS,
      doc:
        "Period of the `stats` log line (counts, events/s, lag, search latency); 0 = off",
    }),
  },
  /** Lowest log level written. */
  logLevel: choice({
    env: "LOG_LEVEL",
    choices: ["debug", "info", "warn", "error"] satisfies LogLevel[],
    default: "info",
    doc: "Lowest log level written",
  }),
};

/**
 * Where the embedded broker of `deno task ingest` (and `deno task kafka`) listens by
 * default: the brokers tools use when given none.
 */
export const LOCAL_BROKER = `127.0.0.1:${OPTIONS.kafka.embeddedPort.default}`;

/** The whole resolved configuration: one value per option of {@linkcode OPTIONS}. */
export type Config = ValuesOf<typeof OPTIONS>;
/** Kafka connection and topics. */
export type KafkaConfig = Config["kafka"];
/** Image fetching and decoding. */
export type ImageConfig = Config["images"];
/** Model bundle and encoder. */
export type EncoderConfig = Config["encoder"];
/** Vector index parameters. */
export type IndexConfig = Config["index"];
/** Snapshots of the index and its metadata. */
export type SnapshotConfig = Config["snapshots"];
/** Automatic compaction of the live index (rebuild without stale slots, then swap). */
export type CompactionConfig = Config["compaction"];
/** HTTP server. */
export type HttpConfig = Config["http"];

/** One documented environment variable. */
export interface EnvVar {
  /** Variable name. */
  readonly name: string;
  /** Default, as documented. */
  readonly default: string;
  /** What it accepts: a range, the choices, a shape. */
  readonly accepts: string;
  /** One-line meaning. */
  readonly help: string;
}

/** Every environment variable the service reads, for docs and `--help`. */
export const ENV_VARS: readonly EnvVar[] = leaves(OPTIONS).map((
  { option },
) => ({
  name: envOf(option),
  default: shownDefault(option),
  accepts: option.accepts,
  help: option.doc,
}));

/** Reads the environment and resolves the configuration. @throws {ConfigError} */
export function loadConfig(
  env: Readonly<Record<string, string>> = Deno.env.toObject(),
): Config {
  const problems: string[] = [];
  const config = mapTree(OPTIONS, (option) => {
    const name = envOf(option);
    return readOption(option, name, env[name], problems);
  });
  problems.push(...crossChecks(config));
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Rules between options, one sentence per broken rule. */
function crossChecks({ kafka }: Config): string[] {
  const problems: string[] = [];
  if (kafka.heartbeatIntervalMs * 3 > kafka.sessionTimeoutMs) {
    problems.push(
      `KAFKA_HEARTBEAT_INTERVAL_MS (${kafka.heartbeatIntervalMs}) must be at most a third of KAFKA_SESSION_TIMEOUT_MS (${kafka.sessionTimeoutMs})`,
    );
  }
  if (kafka.topic === kafka.dlqTopic) {
    problems.push(
      `KAFKA_DLQ_TOPIC must differ from KAFKA_TOPIC: both are "${kafka.topic}"`,
    );
  }
  return problems;
}

/** The config as it is safe to log: every secret option that is set reads "***". */
export function redactConfig(config: Config): Config {
  return mapTree(OPTIONS, (option, path) => {
    const value = path.reduce<unknown>(
      (node, key) => (node as Record<string, unknown>)[key],
      config,
    );
    return option.secret && value !== "" ? "***" : value;
  });
}

function envOf(option: Option<unknown>): string {
  if (option.env === undefined) {
    throw new TypeError(`Option "${option.doc}" has no environment variable`);
  }
  return option.env;
}
