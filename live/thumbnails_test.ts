import assert from "node:assert/strict";
import { join } from "node:path";
import { createMemoryLogger } from "../log.ts";
import { ThumbnailStore } from "./thumbnails.ts";

Deno.test("ThumbnailStore.put() is content-addressed and idempotent; get() reads only its own names", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const store = new ThumbnailStore(join(dir, "thumbs"));
    const a = await store.put(new Uint8Array([1, 2, 3]));
    assert.match(a, /^[0-9a-f]{32}\.jpg$/);
    assert.equal(await store.put(new Uint8Array([1, 2, 3])), a);
    assert.notEqual(await store.put(new Uint8Array([4])), a);
    assert.deepEqual(await store.get(a), new Uint8Array([1, 2, 3]));
    assert.equal(await store.get("../../etc/passwd"), undefined);
    assert.equal(await store.get(`${"0".repeat(32)}.jpg`), undefined);
    const files = [...Deno.readDirSync(join(dir, "thumbs"))].map((e) => e.name);
    assert.equal(files.length, 2, "no temp files are left");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ThumbnailStore.keep() names the stored thumbnail and passes skips through", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const store = new ThumbnailStore(dir);
    const log = createMemoryLogger();
    const tensor = { width: 1, height: 1, data: new Float32Array(3) };
    const kept = await store.keep({
      kind: "ok",
      tensor,
      format: "png",
      thumbnail: new Uint8Array([9]),
    }, log);
    assert.equal(kept.kind, "ok");
    const thumb = kept.kind === "ok" ? kept.thumb : undefined;
    assert.ok(thumb);
    assert.deepEqual(await store.get(thumb), new Uint8Array([9]));
    const skip = { kind: "skipped", reason: "timeout", detail: "x" } as const;
    assert.equal(await store.keep(skip, log), skip);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ThumbnailStore.sweep() removes only unreferenced files past the grace period", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const store = new ThumbnailStore(dir);
    const kept = await store.put(new Uint8Array([1]));
    const gone = await store.put(new Uint8Array([2]));
    const fresh = await store.put(new Uint8Array([3]));
    await Deno.writeFile(join(dir, "leftover.jpg.1234.tmp"), new Uint8Array(1));
    await Deno.writeFile(join(dir, "notes.txt"), new Uint8Array(1));
    const old = new Date(Date.now() - 7_200_000);
    for (const name of [kept, gone, "leftover.jpg.1234.tmp", "notes.txt"]) {
      await Deno.utime(join(dir, name), old, old);
    }
    const removed = await store.sweep(
      new Set([kept]),
      Date.now() - 3_600_000,
    );
    assert.equal(removed, 2);
    const left = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(left, [kept, fresh, "notes.txt"].sort());
    assert.equal(await store.get(gone), undefined);
    assert.equal(
      await new ThumbnailStore(join(dir, "none")).sweep(new Set(), Date.now()),
      0,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
