import assert from "node:assert/strict";
import { ENV_VARS, loadConfig, OPTIONS, redactConfig } from "./config.ts";
import { leaves } from "./config_options.ts";
import { ConfigError } from "./errors.ts";

Deno.test("loadConfig() applies defaults with an empty environment", () => {
  const c = loadConfig({});
  assert.deepEqual(c.kafka.brokers, []);
  assert.equal(c.kafka.topic, "products");
  assert.equal(c.kafka.dlqTopic, "products.dlq");
  assert.equal(c.kafka.groupId, "product-indexer");
  assert.equal(c.http.port, 8080);
  assert.equal(c.encoder.device, "auto");
  assert.equal(c.encoder.modelDir, "model/default");
  assert.equal(c.dataDir, "data");
});

Deno.test("loadConfig() parses every kind of value", () => {
  const c = loadConfig({
    KAFKA_BROKERS: "a:9092, b:9093",
    PORT: "0",
    IMAGE_ALLOW_PRIVATE_NETWORK: "yes",
    ENCODER_DEVICE: "wasm",
    INDEX_QUANTIZATION: "i8",
  });
  assert.deepEqual(c.kafka.brokers, ["a:9092", "b:9093"]);
  assert.equal(c.http.port, 0);
  assert.equal(c.images.allowPrivateNetwork, true);
  assert.equal(c.encoder.device, "wasm");
  assert.equal(c.index.quantization, "i8");
});

Deno.test("loadConfig() reports every problem at once", () => {
  let err: ConfigError | undefined;
  try {
    loadConfig({
      PORT: "http",
      ENCODER_DEVICE: "tpu",
      KAFKA_BROKERS: "nohost",
      KAFKA_HEARTBEAT_INTERVAL_MS: "20000",
      KAFKA_SESSION_TIMEOUT_MS: "30000",
      IMAGE_CONCURRENCY: "0",
      KAFKA_DLQ_TOPIC: "products",
      ADMIN_TOKEN: "short",
    });
  } catch (e) {
    err = e as ConfigError;
  }
  assert.ok(err instanceof ConfigError);
  assert.equal(err.problems.length, 7, err.message);
  assert.match(err.message, /PORT must be an integer: got "http"/);
  assert.match(
    err.message,
    /ENCODER_DEVICE must be one of auto, webgpu, native, wasm: got "tpu"/,
  );
  assert.match(
    err.message,
    /KAFKA_BROKERS entries must be host:port: got "nohost"/,
  );
  assert.match(
    err.message,
    /KAFKA_HEARTBEAT_INTERVAL_MS \(20000\) must be at most a third/,
  );
  assert.match(
    err.message,
    /IMAGE_CONCURRENCY must be between 1 and 256: got 0/,
  );
  assert.match(err.message, /KAFKA_DLQ_TOPIC must differ from KAFKA_TOPIC/);
  assert.match(err.message, /ADMIN_TOKEN must be at least 16 characters/);
});

Deno.test("redactConfig() hides the admin token", () => {
  const c = redactConfig(loadConfig({ ADMIN_TOKEN: "0123456789abcdef0123" }));
  assert.equal(c.http.adminToken, "***");
});

Deno.test("ENV_VARS documents every variable loadConfig() reads", () => {
  const read = new Set<string>();
  const env = new Proxy({}, {
    get(_target, key) {
      if (typeof key === "string") read.add(key);
      return undefined;
    },
  });
  loadConfig(env);
  const documented = new Set(ENV_VARS.map((v) => v.name));
  assert.deepEqual([...read].sort(), [...documented].sort());
});

Deno.test("ENV_VARS defaults are the defaults loadConfig() applies", () => {
  const defaults = loadConfig({});
  for (const v of ENV_VARS) {
    if (v.default.startsWith("(")) continue;
    assert.deepEqual(
      loadConfig({ [v.name]: v.default }),
      defaults,
      `${v.name}: documented default "${v.default}" differs`,
    );
  }
});

Deno.test("OPTIONS declares each environment variable once, with a doc line", () => {
  const names = leaves(OPTIONS).map(({ option }) => option.env);
  assert.equal(new Set(names).size, names.length, names.join(", "));
  for (const { path, option } of leaves(OPTIONS)) {
    assert.match(option.env ?? "", /^[A-Z][A-Z0-9_]+$/, path.join("."));
    assert.ok(
      option.doc.length > 0 && !option.doc.includes("\n"),
      path.join("."),
    );
  }
});

Deno.test("loadConfig() gives each option its declared default", () => {
  const c = loadConfig({}) as unknown as Record<
    string,
    Record<string, unknown>
  >;
  for (const { path, option } of leaves(OPTIONS)) {
    const [section, key] = path;
    const value = key === undefined ? c[section!] : c[section!]?.[key];
    assert.deepEqual(value, option.default, path.join("."));
  }
});

Deno.test("loadConfig() checks declared limits of every kind", () => {
  let err: ConfigError | undefined;
  try {
    loadConfig({
      INDEX_EXPANSION_SEARCH: "9",
      KAFKA_TOPIC: "no spaces",
      IMAGE_ALLOW_PRIVATE_NETWORK: "Maybe",
      INDEX_QUANTIZATION: "f64",
      KAFKA_BROKERS: "a:1,b,c",
    });
  } catch (e) {
    err = e as ConfigError;
  }
  assert.ok(err instanceof ConfigError);
  assert.deepEqual(err.problems, [
    'KAFKA_BROKERS entries must be host:port: got "b"',
    'KAFKA_BROKERS entries must be host:port: got "c"',
    'KAFKA_TOPIC must be a Kafka topic name ([a-zA-Z0-9._-]{1,249}): got "no spaces"',
    'IMAGE_ALLOW_PRIVATE_NETWORK must be true or false: got "maybe"',
    "INDEX_EXPANSION_SEARCH must be between 10 and 10000: got 9",
    'INDEX_QUANTIZATION must be one of f32, f16, i8: got "f64"',
  ]);
});

Deno.test("redactConfig() redacts only secrets that are set", () => {
  const plain = loadConfig({});
  assert.deepEqual(redactConfig(plain), plain);
  const set = loadConfig({ ADMIN_TOKEN: "0123456789abcdef0123", PORT: "81" });
  assert.deepEqual(redactConfig(set), {
    ...set,
    http: { ...set.http, adminToken: "***" },
  });
});
