/**
 * Issue 11, learning from the catalogue: the service indexes the demo catalogue from
 * the real broker; `deno task adapt --topic … --apply …` (run as a user runs it) reads
 * the catalogue from the topic, trains a new bundle version from its titles and images,
 * and has the running service swap it in through the shadow reindex while searches run:
 * none fails, the new version serves, every product is still indexed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createTinyBundle } from "../model/testing.ts";
import {
  newPlace,
  produceRaw,
  searchLoop,
  startTestService,
  waitFor,
} from "./_service.ts";

const TOKEN = "adapt-test-token-0123456789";

Deno.test("deno task adapt --topic --apply: a catalogue-trained bundle swapped in with no failed search", async () => {
  const place = await newPlace();
  const modelDir = join(place.dataDir, "tiny-model");
  await createTinyBundle(modelDir, { seed: 11 });
  const t = await startTestService(place, {
    ADMIN_TOKEN: TOKEN,
    MODEL_DIR: modelDir,
  });
  const out = `data/test-adapt-e2e-${crypto.randomUUID()}`;
  try {
    const lines = (await Deno.readTextFile("samples/products.jsonl")).split(
      "\n",
    ).filter((l) => l.trim() !== "");
    await produceRaw(
      t.brokers,
      t.topic,
      lines.map((l) => ({ key: JSON.parse(l).id, value: l })),
    );
    await waitFor(() => t.service.holder.current?.size === 240, "240 products");
    const loop = searchLoop(t.service.url, ["red", "dress", "bag", "watch"]);
    let run: Deno.CommandOutput;
    try {
      run = await new Deno.Command(Deno.execPath(), {
        args: [
          "task",
          "adapt",
          "--topic",
          t.topic,
          "--brokers",
          t.brokers.join(","),
          "--model",
          modelDir,
          "--out",
          out,
          "--feature-cache",
          `${out}-cache`,
          "--steps",
          "40",
          "--batch",
          "64",
          "--apply",
          t.service.url,
          "--token",
          TOKEN,
        ],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
    } finally {
      await loop.stop();
    }
    const stdout = new TextDecoder().decode(run.stdout);
    const stderr = new TextDecoder().decode(run.stderr);
    assert.equal(run.code, 0, stdout + stderr);
    assert.match(stderr, /read 240 events of topic .*: 240 products/);
    assert.match(stdout, /Swapped to model tiny-11\+adapt\./);
    const { tally } = loop;
    assert.equal(tally.failed, 0, tally.errors.slice(0, 5).join("\n"));
    assert.ok(tally.ok > 10, `only ${tally.ok} searches ran`);
    assert.match(t.service.bundle.manifest.version, /^tiny-11\+adapt\./);
    assert.equal(t.service.holder.current?.size, 240);
  } finally {
    await t.service.stop();
    await Deno.remove(place.dataDir, { recursive: true });
    for (const dir of [out, `${out}-cache`]) {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  }
});
