/**
 * Helpers for integration tests against the real broker that `deno task test` starts.
 * @module
 */

import { routeProcessWarnings } from "../ingest/mod.ts";
import { createMemoryLogger } from "../log.ts";

let warningsSilenced = false;

/**
 * Bootstrap brokers from `KAFKA_BROKERS`. Also keeps kafkajs' harmless
 * `TimeoutNegativeWarning` out of the test output.
 * @throws {Error} when unset: integration tests must run via `deno task test`
 */
export function testBrokers(): string[] {
  const value = Deno.env.get("KAFKA_BROKERS");
  if (!value) {
    throw new Error(
      "KAFKA_BROKERS is not set: run via deno task test (it starts a Kafka broker)",
    );
  }
  if (!warningsSilenced) {
    warningsSilenced = true;
    routeProcessWarnings(createMemoryLogger());
  }
  return value.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
}

let counter = 0;

/** A topic (or group) name no other test uses: `prefix-<time>-<random>-<n>`. */
export function uniqueTopic(prefix: string): string {
  const random = crypto.getRandomValues(new Uint32Array(1))[0]?.toString(36);
  return `${prefix}-${Date.now().toString(36)}-${random}-${++counter}`;
}
