import assert from "node:assert/strict";
import { join } from "node:path";
import type { ImageSpec } from "./bundle_manifest.ts";
import { createImageWorkers } from "./image_workers.ts";
import { loadImage } from "./load_image.ts";
import { makeJpeg, makePng } from "./_test_images.ts";

const SPEC: ImageSpec = {
  width: 8,
  height: 8,
  layout: "NCHW",
  mean: [0.5, 0.5, 0.5],
  std: [0.25, 0.25, 0.25],
  resize: "area",
  background: [255, 255, 255],
};

Deno.test("createImageWorkers() loads images exactly as loadImage() does, in parallel", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(join(dir, "a.png"), makePng(20, 12, 2, [255, 0, 51]));
    await Deno.writeFile(
      join(dir, "b.jpg"),
      await makeJpeg(30, 30, [10, 200, 30]),
    );
    const refs = [{ path: "a.png" }, { path: "b.jpg" }, {
      path: "missing.png",
    }];
    const options = { baseDir: dir };
    await using pool = createImageWorkers({ workers: 2 });
    const got = await Promise.all(refs.map((r) => pool.load(r, SPEC, options)));
    for (const [i, ref] of refs.entries()) {
      assert.deepEqual(got[i], await loadImage(ref, SPEC, options), `ref ${i}`);
    }
    assert.equal(got[2]?.kind, "skipped");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("createImageWorkers() rejects loads after it is disposed", async () => {
  const pool = createImageWorkers({ workers: 1 });
  await pool[Symbol.asyncDispose]();
  await assert.rejects(
    pool.load({ base64: "" }, SPEC, {}),
    /image workers were stopped/,
  );
});

Deno.test("createImageWorkers() rejects a pool size below 1", () => {
  assert.throws(() => createImageWorkers({ workers: 0 }), RangeError);
});
