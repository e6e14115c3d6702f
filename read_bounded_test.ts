import assert from "node:assert/strict";
import { readBounded } from "./read_bounded.ts";

/** A stream of `chunks`; `pulled` counts the reads, `cancelled` is set on cancel. */
function source(chunks: readonly number[][]) {
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks[state.pulled++];
      if (next === undefined) controller.close();
      else controller.enqueue(new Uint8Array(next));
    },
    cancel() {
      state.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, state };
}

Deno.test("readBounded() joins every chunk up to and including the limit", async () => {
  const { stream, state } = source([[1, 2], [3], [4, 5]]);
  assert.deepEqual(
    await readBounded(stream, 5),
    new Uint8Array([1, 2, 3, 4, 5]),
  );
  assert.equal(state.cancelled, false);
  assert.deepEqual(
    await readBounded(source([]).stream, 0),
    new Uint8Array(0),
  );
});

Deno.test("readBounded() cancels the stream and returns undefined past the limit, reading no further", async () => {
  const { stream, state } = source([[1, 2], [3, 4], [5], [6]]);
  assert.equal(await readBounded(stream, 3), undefined);
  assert.equal(state.cancelled, true);
  assert.equal(state.pulled, 2);
});

Deno.test("readBounded() rejects with the stream's error and releases the lock", async () => {
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.error(new Error("connection reset"));
    },
  });
  await assert.rejects(readBounded(stream, 10), /connection reset/);
  assert.equal(stream.locked, false);
});
