import assert from "node:assert/strict";
import { BoundedQueue } from "./_bounded_queue.ts";

Deno.test("BoundedQueue push() waits for space and take() frees it", async () => {
  const q = new BoundedQueue<number>(2);
  assert.equal(await q.push(1), true);
  assert.equal(await q.push(2), true);
  let third = false;
  const pending = q.push(3).then((ok) => third = ok);
  await Promise.resolve();
  assert.equal(third, false);
  assert.equal(q.size, 2);
  assert.equal(await q.take(), 1);
  await pending;
  assert.equal(third, true);
  assert.deepEqual([await q.take(), await q.take()], [2, 3]);
});

Deno.test("BoundedQueue take() waits for an item", async () => {
  const q = new BoundedQueue<string>(1);
  const taken = q.take();
  await q.push("a");
  assert.equal(await taken, "a");
});

Deno.test("BoundedQueue close() releases a blocked push and ends takes after draining", async () => {
  const q = new BoundedQueue<number>(1);
  await q.push(1);
  const blocked = q.push(2);
  q.close();
  assert.equal(await blocked, false);
  assert.equal(await q.take(), 1);
  assert.equal(await q.take(), undefined);
  assert.equal(await q.push(3), false);
});

Deno.test("BoundedQueue purge() drops matching items and wakes a blocked push", async () => {
  const q = new BoundedQueue<number>(2);
  await q.push(1);
  await q.push(2);
  const blocked = q.push(3);
  assert.equal(q.purge((n) => n === 1), 1);
  assert.equal(await blocked, true);
  assert.deepEqual([await q.take(), await q.take()], [2, 3]);
});

Deno.test("BoundedQueue push() calls onTick while blocked and stops on its error", async () => {
  const q = new BoundedQueue<number>(1);
  await q.push(1);
  let ticks = 0;
  const err = new Error("rebalance");
  await assert.rejects(
    q.push(2, {
      tickMs: 1,
      onTick: () => {
        ticks++;
        return ticks >= 3 ? Promise.reject(err) : Promise.resolve();
      },
    }),
    err,
  );
  assert.equal(ticks, 3);
  assert.equal(q.size, 1);
});

Deno.test("BoundedQueue rejects a capacity below 1", () => {
  assert.throws(() => new BoundedQueue(0), RangeError);
});
