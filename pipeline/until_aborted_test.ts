import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import { ABORTED, untilAborted } from "./until_aborted.ts";
import { stoppable } from "./streams.ts";
import { Channel } from "./_channel_test_util.ts";

/** V8's gc(), exposed at run time (tests run without --expose-gc). */
function forceGc(): () => void {
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
}

Deno.test("untilAborted() returns the value, or ABORTED when the signal aborts first", async () => {
  const ac = new AbortController();
  assert.equal(await untilAborted(Promise.resolve(7), ac.signal), 7);
  const never = new Promise<number>(() => {});
  const waiting = untilAborted(never, ac.signal);
  ac.abort();
  assert.equal(await waiting, ABORTED);
  assert.equal(await untilAborted(Promise.resolve(1), ac.signal), ABORTED);
});

Deno.test("untilAborted() passes a rejection through", async () => {
  const ac = new AbortController();
  await assert.rejects(
    untilAborted(Promise.reject(new Error("boom")), ac.signal),
    /boom/,
  );
});

Deno.test("stoppable() keeps no item alive once it is handed on (the soak's leak)", async () => {
  const gc = forceGc();
  const src = new Channel<{ bytes: Uint8Array }>();
  const ac = new AbortController();
  const refs: WeakRef<object>[] = [];
  const it = stoppable(src, ac.signal)[Symbol.asyncIterator]();
  for (let i = 0; i < 200; i++) {
    const item = { bytes: new Uint8Array(1024) };
    refs.push(new WeakRef(item));
    src.push(item);
    assert.equal((await it.next()).done, false);
  }
  // The stream is still open (the signal never aborted), as in a running service.
  const pending = it.next();
  for (let round = 0; round < 2; round++) {
    await new Promise((r) => setTimeout(r, 10));
    gc();
  }
  const alive = refs.filter((r) => r.deref() !== undefined).length;
  assert.ok(alive <= 2, `${alive} of 200 consumed items still reachable`);
  ac.abort();
  assert.equal((await pending).done, true);
});
