import assert from "node:assert/strict";
import { logLevel } from "kafkajs";
import { createMemoryLogger } from "../log.ts";
import { kafkaLogCreator } from "./_kafka_log.ts";
import { watchOffsetResets } from "./_offset_resets.ts";

/** Logs `message` the way kafkajs's consumer does, through our log creator. */
function kafkajsLogs(
  log: ReturnType<typeof watchOffsetResets>,
  message: string,
  extra: Record<string, unknown>,
) {
  const entry = kafkaLogCreator(log)(logLevel.ERROR);
  entry({
    namespace: "ConsumerGroup",
    level: logLevel.ERROR,
    label: "ERROR",
    log: { message, timestamp: "", logger: "kafkajs", ...extra },
  });
}

Deno.test("watchOffsetResets() reports kafkajs's reset of a partition of its topic and still logs it", () => {
  const base = createMemoryLogger();
  const resets: number[] = [];
  const log = watchOffsetResets(base, "products", (p) => resets.push(p))
    .child({ component: "kafkajs" });
  const message = "Offset out of range, resetting to default offset";
  kafkajsLogs(log, message, { topic: "products", partition: 1 });
  kafkajsLogs(log, message, { topic: "other", partition: 0 });
  kafkajsLogs(log, "Connection error", { topic: "products", partition: 0 });
  assert.deepEqual(resets, [1]);
  assert.equal(base.lines.length, 3);
  assert.equal(base.lines[0]?.kafkaMessage, message);
  assert.equal(base.lines[0]?.component, "kafkajs");
});
