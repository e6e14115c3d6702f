import assert from "node:assert/strict";
import { join } from "node:path";
import * as ort from "onnxruntime-web";
import { createTinyBundle } from "./testing.ts";
import { sha256Hex } from "../encode/mod.ts";

ort.env.wasm.numThreads = 1;

Deno.test("createTinyBundle() writes a reproducible bundle whose graphs run", async () => {
  const dirA = await Deno.makeTempDir();
  const dirB = await Deno.makeTempDir();
  try {
    await createTinyBundle(dirA, { seed: 1, dims: 8 });
    await createTinyBundle(dirB, { seed: 1, dims: 8 });
    const manifest = JSON.parse(
      await Deno.readTextFile(join(dirA, "manifest.json")),
    );
    assert.equal(manifest.format, "make-bundle/1");
    assert.equal(manifest.dims, 8);
    assert.deepEqual(Object.keys(manifest.files).sort(), [
      "fusion",
      "image",
      "keywords",
      "query",
      "title",
    ]);
    for (
      const { path, sha256 } of Object.values(manifest.files) as {
        path: string;
        sha256: string;
      }[]
    ) {
      const bytes = await Deno.readFile(join(dirA, path));
      assert.equal(await sha256Hex(bytes), sha256);
      assert.deepEqual(bytes, await Deno.readFile(join(dirB, path)));
    }
    const session = await ort.InferenceSession.create(
      await Deno.readFile(join(dirA, "query.onnx")),
      { executionProviders: ["wasm"] },
    );
    assert.deepEqual(session.inputNames, ["ids"]);
    assert.deepEqual(session.outputNames, ["embedding"]);
    const ids = new Int32Array(2 * manifest.text.maxTokens).fill(3);
    const out = await session.run({
      ids: new ort.Tensor("int32", ids, [2, manifest.text.maxTokens]),
    });
    assert.deepEqual(out.embedding?.dims, [2, 8]);
    await session.release();
  } finally {
    await Deno.remove(dirA, { recursive: true });
    await Deno.remove(dirB, { recursive: true });
  }
});
