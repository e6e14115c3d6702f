import assert from "node:assert/strict";
import { batches, mapOrdered, readAhead, stoppable } from "./streams.ts";
import { ManualClock } from "./clock.ts";
import { Channel, settle } from "./_channel_test_util.ts";

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

Deno.test("mapOrdered() keeps input order when later items finish first", async () => {
  const gates = [deferred<void>(), deferred<void>(), deferred<void>()];
  const src = new Channel<number>();
  src.push(0, 1, 2);
  src.close();
  const out = mapOrdered(src, async (i) => {
    await gates[i]!.promise;
    return i * 10;
  }, { concurrency: 3 });
  const results: number[] = [];
  const done = (async () => {
    for await (const v of out) results.push(v);
  })();
  gates[2]!.resolve();
  gates[1]!.resolve();
  await settle();
  assert.deepEqual(results, []);
  gates[0]!.resolve();
  await done;
  assert.deepEqual(results, [0, 10, 20]);
});

Deno.test("mapOrdered() never runs more than `concurrency` calls at once", async () => {
  const src = new Channel<number>();
  src.push(...Array.from({ length: 20 }, (_, i) => i));
  src.close();
  const gate = deferred<void>();
  let started = 0;
  const out: number[] = [];
  const done = (async () => {
    for await (
      const v of mapOrdered(src, async (i) => {
        started++;
        await gate.promise;
        return i;
      }, { concurrency: 4 })
    ) out.push(v);
  })();
  await settle(20);
  assert.equal(started, 4);
  gate.resolve();
  await done;
  assert.equal(started, 20);
  assert.deepEqual(out, Array.from({ length: 20 }, (_, i) => i));
});

Deno.test("mapOrdered() yields a finished head while the input is idle", async () => {
  const src = new Channel<number>();
  const it = mapOrdered(src, (i) => Promise.resolve(i + 1), { concurrency: 4 })
    [Symbol.asyncIterator]();
  src.push(1);
  const first = await it.next();
  assert.deepEqual(first, { value: 2, done: false });
  src.close();
  assert.equal((await it.next()).done, true);
});

Deno.test("mapOrdered() rejects a concurrency below 1", async () => {
  const src = new Channel<number>();
  src.close();
  await assert.rejects(async () => {
    for await (
      const _ of mapOrdered(src, (i) => Promise.resolve(i), { concurrency: 0 })
    ) { /* none */ }
  }, RangeError);
});

Deno.test("batches() flushes a full batch at once", async () => {
  const clock = new ManualClock();
  const src = new Channel<number>();
  const it = batches(src, { maxSize: 3, maxWaitMs: 1000, clock })
    [Symbol.asyncIterator]();
  src.push(1, 2, 3, 4);
  assert.deepEqual((await it.next()).value, [1, 2, 3]);
  src.close();
  assert.deepEqual((await it.next()).value, [4]);
  assert.equal((await it.next()).done, true);
  assert.equal(clock.pending, 0);
});

Deno.test("batches() flushes a partial batch when its first item has waited maxWaitMs", async () => {
  const clock = new ManualClock();
  const src = new Channel<string>();
  const it = batches(src, { maxSize: 10, maxWaitMs: 50, clock })
    [Symbol.asyncIterator]();
  src.push("a");
  const next = it.next();
  await settle();
  clock.advance(30);
  src.push("b");
  await settle();
  clock.advance(19);
  await settle();
  let flushed = false;
  next.then(() => (flushed = true));
  await settle();
  assert.equal(flushed, false, "flushed before the deadline");
  clock.advance(1);
  assert.deepEqual((await next).value, ["a", "b"]);
  src.close();
  assert.equal((await it.next()).done, true);
  assert.equal(clock.pending, 0);
});

Deno.test("batches() flushes after maxWaitMs of timer time when the wall clock is set back", async () => {
  const base = new ManualClock(1_000_000_000);
  let jump = 0;
  // now() jumps an hour back (NTP step, VM resume); timers keep their own time.
  const clock = {
    now: () => base.now() - jump,
    delay: (ms: number) => base.delay(ms),
  };
  const src = new Channel<string>();
  const it = batches(src, { maxSize: 10, maxWaitMs: 50, clock })
    [Symbol.asyncIterator]();
  src.push("a");
  const next = it.next();
  let flushed = false;
  next.then(() => (flushed = true));
  await settle();
  jump = 3_600_000;
  src.push("b");
  await settle();
  base.advance(50);
  await settle();
  assert.equal(flushed, true, "the partial batch waited for the wall clock");
  assert.deepEqual((await next).value, ["a", "b"]);
  src.close();
  assert.equal((await it.next()).done, true);
  assert.equal(base.pending, 0);
});

Deno.test("batches() pulls from the input only when asked", async () => {
  const clock = new ManualClock();
  const src = new Channel<number>();
  src.push(...Array.from({ length: 100 }, (_, i) => i));
  const it = batches(src, { maxSize: 5, maxWaitMs: 10, clock })
    [Symbol.asyncIterator]();
  await it.next();
  await settle();
  assert.ok(src.pulls <= 6, `pulled ${src.pulls} items for one batch of 5`);
  await it.return?.(undefined);
});

Deno.test("stoppable() ends when its signal aborts, without closing the input", async () => {
  const src = new Channel<number>();
  const ac = new AbortController();
  const out: number[] = [];
  src.push(1, 2);
  const run = (async () => {
    for await (const v of stoppable(src, ac.signal)) out.push(v);
  })();
  await settle();
  ac.abort();
  await run;
  assert.deepEqual(out, [1, 2]);
  assert.equal(src.closed, false, "input was closed");
  src.close();
});

Deno.test("readAhead() keeps pulling while the consumer is busy, up to `size`", async () => {
  const src = new Channel<number>();
  src.push(...Array.from({ length: 10 }, (_, i) => i));
  src.close();
  const it = readAhead(src, { size: 3 });
  assert.deepEqual(await it.next(), { value: 0, done: false });
  await settle(20);
  // One item handed out, three buffered while the consumer is away: no more.
  assert.equal(src.pulls, 4);
  const rest: number[] = [];
  for await (const v of { [Symbol.asyncIterator]: () => it }) rest.push(v);
  assert.deepEqual(rest, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

Deno.test("readAhead() throws an input error after the items read before it", async () => {
  async function* failing() {
    yield 1;
    yield 2;
    throw new SyntaxError("bad input");
  }
  const got: number[] = [];
  await assert.rejects(async () => {
    for await (const v of readAhead(failing(), { size: 8 })) got.push(v);
  }, SyntaxError);
  assert.deepEqual(got, [1, 2]);
});

Deno.test("readAhead() closes its input when the consumer stops early", async () => {
  const src = new Channel<number>();
  src.push(1, 2, 3, 4);
  for await (const v of readAhead(src, { size: 2 })) {
    if (v === 2) break;
  }
  assert.equal(src.closed, true);
  await assert.rejects(() => readAhead(src, { size: 0 }).next(), RangeError);
});
