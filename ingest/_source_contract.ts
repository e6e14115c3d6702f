/**
 * The behaviour every {@linkcode EventSource} must have, as test steps run against the
 * in-memory and the Kafka implementation (see source_contract_test.ts).
 * @module
 */
import assert from "node:assert/strict";
import type { SourceMessage } from "../types.ts";
import type { EventSource } from "./event_source.ts";

/** A fresh topic and group for one scenario. */
export interface SourceHarness {
  /** Appends records to partition 0 of the harness's topic, in order. */
  produce(records: { key: string; value: string | null }[]): Promise<void>;
  /** Opens a consumer of the harness's group. */
  open(): Promise<EventSource>;
}

const dec = new TextDecoder();

/** Takes `n` messages, failing after `timeoutMs`. Leaves the source open. */
export async function take(
  source: EventSource,
  n: number,
  timeoutMs = 20_000,
): Promise<SourceMessage[]> {
  const out: SourceMessage[] = [];
  const it = source[Symbol.asyncIterator]();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    while (out.length < n) {
      const next = await Promise.race([it.next(), timeout]);
      if (next === "timeout") {
        throw new Error(`Timed out after ${out.length} of ${n} messages`);
      }
      if (next.done) break;
      out.push(next.value);
    }
  } finally {
    clearTimeout(timer);
    await it.return?.();
  }
  return out;
}

const keys = (ms: SourceMessage[]) => ms.map((m) => m.key && dec.decode(m.key));

function records(n: number, from = 0) {
  return Array.from({ length: n }, (_, i) => ({
    key: `p${from + i}`,
    value: JSON.stringify({ op: "upsert", id: `p${from + i}`, title: `t${i}` }),
  }));
}

type Scenario = (h: SourceHarness) => Promise<void>;

/** The contract: scenario name → body; each runs on a fresh harness. */
const SCENARIOS: Record<string, Scenario> = {
  "delivers messages in order with their positions": async (h) => {
    await h.produce([...records(4), { key: "p0", value: null }]);
    await using source = await h.open();
    const got = await take(source, 5);
    assert.deepEqual(keys(got), ["p0", "p1", "p2", "p3", "p0"]);
    assert.deepEqual(
      got.map((m) => [m.partition, m.offset]),
      [[0, "0"], [0, "1"], [0, "2"], [0, "3"], [0, "4"]],
    );
    assert.equal(got[4]?.value, null);
    const value = dec.decode(got[1]?.value ?? new Uint8Array());
    assert.equal(value, records(2)[1]?.value);
  },
  "resumes after the committed offset": async (h) => {
    await h.produce(records(6));
    {
      await using first = await h.open();
      const got = await take(first, 3);
      await first.commit([got[2] as SourceMessage]);
    }
    await using second = await h.open();
    assert.deepEqual(keys(await take(second, 3)), ["p3", "p4", "p5"]);
  },
  "redelivers what was not committed": async (h) => {
    await h.produce(records(3));
    {
      await using first = await h.open();
      await take(first, 3);
    }
    await using second = await h.open();
    assert.deepEqual(keys(await take(second, 3)), ["p0", "p1", "p2"]);
  },
  "commits the highest position given per partition": async (h) => {
    await h.produce(records(6));
    {
      await using first = await h.open();
      const got = await take(first, 5);
      await first.commit([got[4], got[1]] as SourceMessage[]);
    }
    await using second = await h.open();
    assert.deepEqual(keys(await take(second, 1)), ["p5"]);
  },
  "delivers messages produced while iterating": async (h) => {
    await using source = await h.open();
    const pending = take(source, 2);
    await h.produce(records(2, 10));
    assert.deepEqual(keys(await pending), ["p10", "p11"]);
  },
};

/** Runs every contract scenario as a step of `t`, each on a fresh `harness()`. */
export async function runSourceContract(
  t: Deno.TestContext,
  harness: () => Promise<SourceHarness>,
): Promise<void> {
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    await t.step(name, async () => await scenario(await harness()));
  }
}
