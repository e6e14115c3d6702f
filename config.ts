/**
 * Configuration: the only module that reads the environment. `loadConfig()` turns
 * environment variables into a fully resolved, readonly {@linkcode Config}, reporting every
 * problem at once in a {@linkcode ConfigError}.
 * @module
 */
import { ConfigError } from "./errors.ts";
import type { LogLevel } from "./log.ts";

/** Kafka connection and topics. */
export interface KafkaConfig {
  /** Broker list; empty means "start the embedded broker". @default [] (embedded) */
  readonly brokers: readonly string[];
  /** Port of the embedded broker when `brokers` is empty. @default 9092 */
  readonly embeddedPort: number;
  /** Topic of product events. @default "products" */
  readonly topic: string;
  /** Dead-letter topic for bad events. @default "products.dlq" */
  readonly dlqTopic: string;
  /** Consumer group. @default "product-indexer" */
  readonly groupId: string;
  /** Client id reported to the brokers. @default "make-indexer" */
  readonly clientId: string;
  /** Partitions of the topic when this service creates it. @default 2 */
  readonly partitions: number;
  /**
   * Consumer session timeout: how long a killed member holds its partitions (and a
   * restart waits) before the group moves on; also the rebalance timeout. @default 10000
   */
  readonly sessionTimeoutMs: number;
  /** Consumer heartbeat interval; must be under a third of the session timeout. @default 1000 */
  readonly heartbeatIntervalMs: number;
  /** Messages buffered between Kafka and the pipeline. @default 512 */
  readonly maxBufferedMessages: number;
  /** How often the index is checked against the log (cluster, topic id, offsets), ms. @default 5000 */
  readonly logCheckMs: number;
}

/** Image fetching and decoding. */
export interface ImageConfig {
  /** Largest image accepted, in bytes (URL, file or base64). @default 10485760 */
  readonly maxBytes: number;
  /** Total time allowed to fetch one image URL. @default 5000 */
  readonly timeoutMs: number;
  /** Largest decoded image (width × height) accepted. @default 25000000 */
  readonly maxPixels: number;
  /** Fetch images from loopback, private and link-local addresses. @default false */
  readonly allowPrivateNetwork: boolean;
  /** Directory relative image paths are resolved against. @default the working directory */
  readonly baseDir: string;
  /** Images fetched and decoded at once. @default 4 */
  readonly concurrency: number;
  /** Worker threads that fetch and decode images (used with the native encoder); 0 decodes on the main thread. @default 2 */
  readonly workers: number;
}

/** Model bundle and encoder. */
export interface EncoderConfig {
  /** Model bundle folder. @default "model/default" */
  readonly modelDir: string;
  /** Execution device: "auto" picks WebGPU on a real GPU, else native CPU, else wasm. @default "auto" */
  readonly device: "auto" | "webgpu" | "native" | "wasm";
  /** Products encoded per batch at most. @default 32 */
  readonly maxBatchSize: number;
  /** Longest a product waits for its batch to fill. @default 20 */
  readonly maxWaitMs: number;
}

/** Vector index parameters. */
export interface IndexConfig {
  /** HNSW graph degree. @default 32 */
  readonly connectivity: number;
  /** Candidate list size while inserting. @default 128 */
  readonly expansionAdd: number;
  /** Candidate list size while searching. @default 512 */
  readonly expansionSearch: number;
  /** Stored scalar type. @default "f32" */
  readonly quantization: "f32" | "f16" | "i8";
}

/** Snapshots of the index and its metadata. */
export interface SnapshotConfig {
  /** Snapshot at least this often while events arrive. @default 30000 */
  readonly intervalMs: number;
  /** Snapshot after this many applied events, whichever comes first. @default 10000 */
  readonly everyEvents: number;
  /** Snapshots kept on disk. @default 3 */
  readonly keep: number;
}

/** Automatic compaction of the live index (rebuild without stale slots, then swap). */
export interface CompactionConfig {
  /** Compact when stale slots reach this share of all slots, in percent; 0 turns it off. @default 30 */
  readonly stalePercent: number;
  /** How often the share is checked, ms. @default 10000 */
  readonly checkMs: number;
  /** Fewest stale slots worth a rebuild. @default 1000 */
  readonly minStaleRows: number;
}

/** HTTP server. */
export interface HttpConfig {
  /** Listen address. @default "127.0.0.1" */
  readonly host: string;
  /** Listen port (0 picks a free one). @default 8080 */
  readonly port: number;
  /** Bearer token for /admin routes; they are off when empty. @default "" */
  readonly adminToken: string;
  /** Period of the info-level stats log line, ms; 0 turns it off. @default 60000 */
  readonly statsLogMs: number;
  /** Searches running at once; more are answered 503 with Retry-After. @default 32 */
  readonly maxSearchesInFlight: number;
}

/** The whole resolved configuration. */
export interface Config {
  /** Kafka connection, topics and consumer tuning. */
  readonly kafka: KafkaConfig;
  /** Image fetching and decoding limits. */
  readonly images: ImageConfig;
  /** Model bundle, device and batching. */
  readonly encoder: EncoderConfig;
  /** Vector index parameters. */
  readonly index: IndexConfig;
  /** When snapshots are taken and how many are kept. */
  readonly snapshots: SnapshotConfig;
  /** When the index is rebuilt without stale slots. */
  readonly compaction: CompactionConfig;
  /** HTTP listener and admin token. */
  readonly http: HttpConfig;
  /** Where snapshots and the embedded broker's data live. @default "data" */
  readonly dataDir: string;
  /** Lowest log level written. @default "info" */
  readonly logLevel: LogLevel;
}

/** One documented environment variable. */
export interface EnvVar {
  /** Variable name. */
  readonly name: string;
  /** Default, as documented. */
  readonly default: string;
  /** One-line meaning. */
  readonly help: string;
}

/** Every environment variable the service reads, for docs and `--help`. */
export const ENV_VARS: readonly EnvVar[] = [
  {
    name: "KAFKA_BROKERS",
    default: "(embedded broker)",
    help: "Comma-separated host:port list",
  },
  {
    name: "KAFKA_EMBEDDED_PORT",
    default: "9092",
    help: "Port of the embedded broker",
  },
  { name: "KAFKA_TOPIC", default: "products", help: "Topic of product events" },
  {
    name: "KAFKA_DLQ_TOPIC",
    default: "products.dlq",
    help: "Dead-letter topic",
  },
  {
    name: "KAFKA_GROUP",
    default: "product-indexer",
    help: "Consumer group id",
  },
  { name: "KAFKA_CLIENT_ID", default: "make-indexer", help: "Kafka client id" },
  {
    name: "KAFKA_PARTITIONS",
    default: "2",
    help: "Partitions when the topic is created",
  },
  {
    name: "KAFKA_SESSION_TIMEOUT_MS",
    default: "10000",
    help: "Consumer session timeout",
  },
  {
    name: "KAFKA_HEARTBEAT_INTERVAL_MS",
    default: "1000",
    help: "Heartbeat; < session/3",
  },
  {
    name: "KAFKA_MAX_BUFFERED",
    default: "512",
    help: "Messages buffered before the pipeline",
  },
  {
    name: "KAFKA_LOG_CHECK_MS",
    default: "5000",
    help: "How often the index is checked against the log (ms)",
  },
  {
    name: "IMAGE_MAX_BYTES",
    default: "10485760",
    help: "Largest image accepted (bytes)",
  },
  {
    name: "IMAGE_TIMEOUT_MS",
    default: "5000",
    help: "Time limit to fetch one image URL",
  },
  {
    name: "IMAGE_MAX_PIXELS",
    default: "25000000",
    help: "Largest decoded image (w×h)",
  },
  {
    name: "IMAGE_ALLOW_PRIVATE_NETWORK",
    default: "false",
    help: "Allow image URLs on loopback/private/link-local addresses",
  },
  {
    name: "IMAGE_BASE_DIR",
    default: ".",
    help: "Base of relative image paths",
  },
  {
    name: "IMAGE_CONCURRENCY",
    default: "4",
    help: "Images fetched/decoded at once",
  },
  {
    name: "IMAGE_WORKERS",
    default: "2",
    help:
      "Worker threads decoding images beside the native encoder (0 = main thread)",
  },
  { name: "MODEL_DIR", default: "model/default", help: "Model bundle folder" },
  {
    name: "ENCODER_DEVICE",
    default: "auto",
    help: "auto, webgpu, native or wasm",
  },
  {
    name: "ENCODE_MAX_BATCH",
    default: "32",
    help: "Products per encoder batch",
  },
  {
    name: "ENCODE_MAX_WAIT_MS",
    default: "20",
    help: "Longest wait for a batch to fill",
  },
  { name: "INDEX_CONNECTIVITY", default: "16", help: "HNSW degree" },
  {
    name: "INDEX_EXPANSION_ADD",
    default: "64",
    help: "HNSW expansion while inserting",
  },
  {
    name: "INDEX_EXPANSION_SEARCH",
    default: "64",
    help: "HNSW expansion while searching (the default ef)",
  },
  { name: "INDEX_QUANTIZATION", default: "f32", help: "f32, f16 or i8" },
  {
    name: "SNAPSHOT_INTERVAL_MS",
    default: "30000",
    help: "Snapshot period while events arrive",
  },
  {
    name: "SNAPSHOT_EVERY_EVENTS",
    default: "10000",
    help: "Snapshot after N applied events",
  },
  { name: "SNAPSHOT_KEEP", default: "3", help: "Snapshots kept on disk" },
  {
    name: "COMPACT_STALE_PERCENT",
    default: "30",
    help: "Compact at this % of stale index slots; 0 = off",
  },
  {
    name: "COMPACT_CHECK_MS",
    default: "10000",
    help: "How often the stale share is checked",
  },
  {
    name: "COMPACT_MIN_STALE",
    default: "1000",
    help: "Fewest stale slots worth a compaction",
  },
  {
    name: "DATA_DIR",
    default: "data",
    help: "Snapshots and embedded broker data",
  },
  { name: "HOST", default: "127.0.0.1", help: "HTTP listen address" },
  { name: "PORT", default: "8080", help: "HTTP port" },
  {
    name: "SEARCH_MAX_IN_FLIGHT",
    default: "32",
    help: "Searches at once before 503 + Retry-After",
  },
  {
    name: "ADMIN_TOKEN",
    default: "(unset: admin off)",
    help: "Bearer token for /admin",
  },
  { name: "LOG_LEVEL", default: "info", help: "debug, info, warn or error" },
  {
    name: "STATS_LOG_MS",
    default: "60000",
    help: "Period of the stats log line (with search latency); 0 = off",
  },
];

/** Reads the environment and resolves the configuration. @throws {ConfigError} */
export function loadConfig(
  env: Readonly<Record<string, string>> = Deno.env.toObject(),
): Config {
  const r = new Reader(env);
  const kafka: KafkaConfig = {
    brokers: r.list("KAFKA_BROKERS"),
    embeddedPort: r.int("KAFKA_EMBEDDED_PORT", 9092, 1, 65535),
    topic: r.name("KAFKA_TOPIC", "products"),
    dlqTopic: r.name("KAFKA_DLQ_TOPIC", "products.dlq"),
    groupId: r.str("KAFKA_GROUP", "product-indexer"),
    clientId: r.str("KAFKA_CLIENT_ID", "make-indexer"),
    partitions: r.int("KAFKA_PARTITIONS", 2, 1, 1024),
    sessionTimeoutMs: r.int("KAFKA_SESSION_TIMEOUT_MS", 10_000, 6_000, 300_000),
    heartbeatIntervalMs: r.int(
      "KAFKA_HEARTBEAT_INTERVAL_MS",
      1_000,
      100,
      100_000,
    ),
    maxBufferedMessages: r.int("KAFKA_MAX_BUFFERED", 512, 1, 100_000),
    logCheckMs: r.int("KAFKA_LOG_CHECK_MS", 5_000, 100, 3_600_000),
  };
  const images: ImageConfig = {
    maxBytes: r.int("IMAGE_MAX_BYTES", 10 * 1024 * 1024, 1024, 1024 ** 3),
    timeoutMs: r.int("IMAGE_TIMEOUT_MS", 5_000, 10, 600_000),
    maxPixels: r.int("IMAGE_MAX_PIXELS", 25_000_000, 1, 1_000_000_000),
    allowPrivateNetwork: r.bool("IMAGE_ALLOW_PRIVATE_NETWORK", false),
    baseDir: r.str("IMAGE_BASE_DIR", "."),
    concurrency: r.int("IMAGE_CONCURRENCY", 4, 1, 256),
    workers: r.int("IMAGE_WORKERS", 2, 0, 64),
  };
  const encoder: EncoderConfig = {
    modelDir: r.str("MODEL_DIR", "model/default"),
    device: r.oneOf(
      "ENCODER_DEVICE",
      ["auto", "webgpu", "native", "wasm"] as const,
      "auto",
    ),
    maxBatchSize: r.int("ENCODE_MAX_BATCH", 32, 1, 1024),
    maxWaitMs: r.int("ENCODE_MAX_WAIT_MS", 20, 0, 60_000),
  };
  const index: IndexConfig = {
    connectivity: r.int("INDEX_CONNECTIVITY", 16, 2, 256),
    expansionAdd: r.int("INDEX_EXPANSION_ADD", 64, 1, 10_000),
    expansionSearch: r.int("INDEX_EXPANSION_SEARCH", 64, 1, 10_000),
    quantization: r.oneOf(
      "INDEX_QUANTIZATION",
      ["f32", "f16", "i8"] as const,
      "f32",
    ),
  };
  const snapshots: SnapshotConfig = {
    intervalMs: r.int("SNAPSHOT_INTERVAL_MS", 30_000, 100, 86_400_000),
    everyEvents: r.int("SNAPSHOT_EVERY_EVENTS", 10_000, 1, 100_000_000),
    keep: r.int("SNAPSHOT_KEEP", 3, 1, 100),
  };
  const compaction: CompactionConfig = {
    stalePercent: r.int("COMPACT_STALE_PERCENT", 30, 0, 100),
    checkMs: r.int("COMPACT_CHECK_MS", 10_000, 10, 86_400_000),
    minStaleRows: r.int("COMPACT_MIN_STALE", 1000, 1, 1_000_000_000),
  };
  const http: HttpConfig = {
    host: r.str("HOST", "127.0.0.1"),
    port: r.int("PORT", 8080, 0, 65535),
    adminToken: env["ADMIN_TOKEN"] ?? "",
    statsLogMs: r.int("STATS_LOG_MS", 60_000, 0, 86_400_000),
    maxSearchesInFlight: r.int("SEARCH_MAX_IN_FLIGHT", 32, 1, 100_000),
  };
  const config: Config = {
    kafka,
    images,
    encoder,
    index,
    snapshots,
    compaction,
    http,
    dataDir: r.str("DATA_DIR", "data"),
    logLevel: r.oneOf(
      "LOG_LEVEL",
      ["debug", "info", "warn", "error"] as const,
      "info",
    ),
  };
  r.check(
    kafka.heartbeatIntervalMs * 3 <= kafka.sessionTimeoutMs,
    `KAFKA_HEARTBEAT_INTERVAL_MS (${kafka.heartbeatIntervalMs}) must be at most a third of KAFKA_SESSION_TIMEOUT_MS (${kafka.sessionTimeoutMs})`,
  );
  r.check(
    kafka.topic !== kafka.dlqTopic,
    `KAFKA_DLQ_TOPIC must differ from KAFKA_TOPIC: both are "${kafka.topic}"`,
  );
  r.check(
    http.adminToken === "" || http.adminToken.length >= 16,
    "ADMIN_TOKEN must be at least 16 characters when set",
  );
  r.check(
    index.expansionSearch >= 10,
    `INDEX_EXPANSION_SEARCH (${index.expansionSearch}) must be at least 10 so top-10 results are searched exhaustively enough`,
  );
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

/** The config as it is safe to log: secrets redacted. */
export function redactConfig(config: Config): Config {
  return {
    ...config,
    http: { ...config.http, adminToken: config.http.adminToken ? "***" : "" },
  };
}

/** Parses values and collects problems instead of throwing at the first. */
class Reader {
  readonly problems: string[] = [];
  readonly #env: Readonly<Record<string, string>>;

  constructor(env: Readonly<Record<string, string>>) {
    this.#env = env;
  }

  #raw(name: string): string | undefined {
    const v = this.#env[name]?.trim();
    return v === undefined || v === "" ? undefined : v;
  }

  str(name: string, fallback: string): string {
    return this.#raw(name) ?? fallback;
  }

  name(name: string, fallback: string): string {
    const v = this.str(name, fallback);
    if (!/^[a-zA-Z0-9._-]{1,249}$/.test(v)) {
      this.problems.push(
        `${name} must be a Kafka topic name ([a-zA-Z0-9._-]{1,249}): got "${v}"`,
      );
    }
    return v;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.#raw(name);
    if (raw === undefined) return fallback;
    const v = Number(raw);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(v)) {
      this.problems.push(`${name} must be an integer: got "${raw}"`);
      return fallback;
    }
    if (v < min || v > max) {
      this.problems.push(`${name} must be between ${min} and ${max}: got ${v}`);
    }
    return v;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.#raw(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (["1", "true", "yes", "on"].includes(raw)) return true;
    if (["0", "false", "no", "off"].includes(raw)) return false;
    this.problems.push(`${name} must be true or false: got "${raw}"`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.#raw(name);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(
      `${name} must be one of ${allowed.join(", ")}: got "${raw}"`,
    );
    return fallback;
  }

  list(name: string): string[] {
    const raw = this.#raw(name);
    if (raw === undefined) return [];
    const items = raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
    for (const item of items) {
      if (!/^[^\s:]+:\d{1,5}$/.test(item)) {
        this.problems.push(`${name} entries must be host:port: got "${item}"`);
      }
    }
    return items;
  }

  check(ok: boolean, problem: string): void {
    if (!ok) this.problems.push(problem);
  }
}
