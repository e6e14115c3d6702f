import assert from "node:assert/strict";
import { SerialQueue } from "./serial.ts";

Deno.test("SerialQueue runs tasks one at a time, in order, each settling as its task", async () => {
  const queue = new SerialQueue();
  const log: string[] = [];
  let running = 0;
  const task = (name: string, fail = false) => async () => {
    running++;
    assert.equal(running, 1, `${name} overlapped another task`);
    log.push(`start ${name}`);
    await new Promise((r) => setTimeout(r, 5));
    log.push(`end ${name}`);
    running--;
    if (fail) throw new Error(`${name} failed`);
    return name;
  };
  const a = queue.run(task("a"));
  const b = queue.run(task("b", true));
  const c = queue.run(task("c"));
  assert.equal(await a, "a");
  await assert.rejects(b, /b failed/);
  assert.equal(await c, "c");
  assert.deepEqual(log, [
    "start a",
    "end a",
    "start b",
    "end b",
    "start c",
    "end c",
  ]);
});

Deno.test("SerialQueue.idle() waits for every queued task and never rejects", async () => {
  const queue = new SerialQueue();
  let done = false;
  void queue.run(async () => {
    await new Promise((r) => setTimeout(r, 5));
    done = true;
  });
  queue.run(() => Promise.reject(new Error("no"))).catch(() => {});
  await queue.idle();
  assert.equal(done, true);
  assert.equal(await queue.run(() => 42), 42);
});
