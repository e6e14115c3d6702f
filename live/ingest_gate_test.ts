import assert from "node:assert/strict";
import type { SourceMessage } from "../types.ts";
import { IngestGate } from "./ingest_gate.ts";

function message(partition: number, offset: number): SourceMessage {
  return {
    topic: "t",
    partition,
    offset: String(offset),
    key: null,
    value: null,
    headers: {},
    timestampMs: 0,
  };
}

async function* messages(list: SourceMessage[]) {
  for (const m of list) yield m;
}

Deno.test("IngestGate.pause() holds messages back until every pause is released", async () => {
  const gate = new IngestGate();
  const it = gate.wrap(messages([message(0, 0), message(0, 1)]));
  assert.equal((await it.next()).value?.offset, "0");
  const first = gate.pause();
  const second = gate.pause();
  let got: string | undefined;
  const next = it.next().then((r) => got = r.value?.offset);
  await Promise.resolve();
  first();
  first(); // releasing twice counts once
  await new Promise<void>((r) => queueMicrotask(r));
  assert.equal(got, undefined, "still paused by the second hold");
  assert.equal(gate.paused, true);
  second();
  await next;
  assert.equal(got, "1");
  assert.equal(gate.paused, false);
});

Deno.test("IngestGate.drained() is true once every handed-out message is applied", async () => {
  const gate = new IngestGate();
  const it = gate.wrap(messages([message(0, 4), message(1, 7)]));
  await it.next();
  await it.next();
  assert.equal(gate.drained({ t: { "0": "5" } }), false);
  assert.equal(gate.drained({ t: { "0": "5", "1": "7" } }), false);
  assert.equal(gate.drained({ t: { "0": "5", "1": "8" } }), true);
});
