import assert from "node:assert/strict";
import { loadBundle } from "../encode/mod.ts";
import { DEFAULT_CONFIG, initParams, writeBundle } from "../model/mod.ts";
import { TINY_KEYWORDS, tinyConfig } from "../model/testing.ts";

/**
 * A bundle of the default's front end (the pretrained backbone at the shipped image
 * size) with small, randomly initialised towers: everything adapt must learn, it
 * learns from the catalogue.
 */
async function untrainedBackboneBundle(dir: string): Promise<void> {
  const config = { ...tinyConfig(16), image: DEFAULT_CONFIG.image };
  await writeBundle(dir, initParams(config, 5), {
    name: "make-untrained",
    version: "untrained-5",
    keywords: TINY_KEYWORDS,
    alpha: 0,
  });
}

async function adaptTask(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "adapt", ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

Deno.test("deno task adapt learns from the demo catalogue's titles and images, and caches features", async () => {
  const dir = `data/test-adapt-${crypto.randomUUID()}`;
  try {
    await untrainedBackboneBundle(`${dir}/start`);
    const common = [
      "--model",
      `${dir}/start`,
      "--products",
      "samples/products.jsonl",
      "--image-base",
      ".",
      "--feature-cache",
      `${dir}/cache`,
      "--steps",
      "80",
      "--batch",
      "64",
      "--holdout",
      "0.2",
    ];
    const first = await adaptTask(...common, "--out", `${dir}/a`);
    assert.equal(first.code, 0, first.stderr);
    const report = JSON.parse(first.stdout.trim().split("\n").at(-1) ?? "");
    assert.equal(report.products, 240);
    assert.ok(report.withImages >= 200, `${report.withImages} with images`);
    assert.equal(
      report.features.computed + report.features.cached,
      report.withImages,
    );
    assert.ok(
      report.after.imageRecall > report.before.imageRecall,
      `image-only recall ${report.before.imageRecall} → ${report.after.imageRecall}`,
    );
    assert.match(first.stderr, /held-out pseudo-queries, recall@10 image only/);
    const bundle = await loadBundle(`${dir}/a`);
    assert.match(bundle.manifest.version, /^untrained-5\+adapt\.\d{8}T\d{6}$/);
    // Adapting again reads every image's features from the cache.
    const second = await adaptTask(...common, "--out", `${dir}/b`);
    assert.equal(second.code, 0, second.stderr);
    const again = JSON.parse(second.stdout.trim().split("\n").at(-1) ?? "");
    assert.equal(again.features.computed, 0);
    assert.equal(again.features.cached, report.withImages);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("deno task adapt --help prints usage; bad options get one line and exit 2", async () => {
  const help = await adaptTask("--help");
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: deno task adapt/);
  for (
    const args of [
      ["--nope"],
      ["--products", "x.jsonl", "--topic", "products"],
      ["--products", "samples/products.jsonl", "--steps", "0"],
    ]
  ) {
    const r = await adaptTask(...args);
    assert.equal(r.code, 2, args.join(" "));
    const lines = r.stderr.split("\n").filter((l) =>
      l.trim() !== "" && !l.includes("Task")
    );
    assert.equal(lines.length, 1, r.stderr);
    assert.match(
      lines[0] ?? "",
      /^Error: .*\(see --help\)$/,
    );
  }
});
