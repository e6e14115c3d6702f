import assert from "node:assert/strict";
import { ENV_VARS, loadConfig, redactConfig } from "./config.ts";
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

Deno.test("ENV_VARS documents every variable loadConfig() reads", async () => {
  const source = await Deno.readTextFile(
    new URL("./config.ts", import.meta.url),
  );
  const read = new Set(
    [...source.matchAll(/r\.\w+\(\s*"([A-Z_]+)"/g)].map((m) => m[1]),
  );
  read.add("ADMIN_TOKEN");
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
