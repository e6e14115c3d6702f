/**
 * `deno task eval` as a user runs it (through the task and its own permissions), on
 * tiny made-up datasets and a tiny random bundle: never on /work/shared.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createTinyBundle } from "../model/testing.ts";
import { SYSTEMS } from "../model/eval/mod.ts";
import { writeTinyDataset } from "../model/eval/testing.ts";

const ROOT = new URL("..", import.meta.url).pathname;

async function task(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "eval", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("deno task eval --help prints usage and exits 0", async () => {
  const r = await task(["--help"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Usage:/);
  assert.match(r.stdout, /--dataset DIR/);
  assert.match(r.stdout, /--holdout F/);
});

Deno.test("deno task eval rejects unknown options and bad values with one line and exit 2", async () => {
  for (
    const args of [
      ["--bogus"],
      ["--dataset", "x", "--holdout", "1.5"],
      ["--dataset", "x", "--seed", "-3"],
      [],
    ]
  ) {
    const r = await task(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /^Error: .*\(see --help\)/);
  }
});

Deno.test("deno task eval names a dataset folder it cannot read in one line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "eval-task-" });
  try {
    const r = await task(["--dataset", join(dir, "missing")]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^deno task eval: Cannot read dataset ".*missing"/);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    await Deno.mkdir(join(dir, "bad"));
    await Deno.writeTextFile(
      join(dir, "bad/products.jsonl"),
      '{"op":"upsert"}\n',
    );
    const bad = await task(["--dataset", join(dir, "bad")]);
    assert.equal(bad.code, 1, bad.stderr);
    assert.match(bad.stderr, /^deno task eval: Cannot read product on line 1/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task eval --dataset evaluates a tiny IKEA-like dataset with a hold-out split", async () => {
  const dir = await Deno.makeTempDir({ prefix: "eval-task-" });
  try {
    await writeTinyDataset(join(dir, "ikea"), "ikea");
    await createTinyBundle(join(dir, "bundle"), { seed: 5 });
    const work = join(dir, "work");
    const json = join(dir, "report.json");
    const args = [
      "--dataset",
      join(dir, "ikea"),
      "--model",
      join(dir, "bundle"),
      "--seed",
      "2",
      "--holdout",
      "0.5",
      "--workdir",
      work,
      "--json",
      json,
      "--device",
      "wasm",
    ];
    const r = await task(args);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^dataset ikea: evaluating split "holdout"/);
    assert.match(r.stdout, /5 products \(5 with a usable image\)/);
    for (const s of [...SYSTEMS, "random ranking"]) {
      assert.ok(r.stdout.includes(`| ${s} `), `no row for ${s}`);
    }
    const report = JSON.parse(await Deno.readTextFile(json));
    assert.equal(report.dataset.kind, "ikea");
    assert.equal(report.products, 5);
    assert.equal(report.results.length, SYSTEMS.length + 1);
    const splits = JSON.parse(
      await Deno.readTextFile(join(work, "splits.json")),
    );
    assert.deepEqual(Object.keys(splits), ["adapt", "holdout"]);
    assert.equal(splits.holdout.length, 5);
    const products = (await Deno.readTextFile(join(work, "products.jsonl")))
      .trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(products.length, 10);
    assert.ok(products.every((p) => p.attrs === undefined), "attrs leaked");
    const adapt = (await Deno.readTextFile(join(work, "products-adapt.jsonl")))
      .trim().split("\n").map((l) => JSON.parse(l).id);
    assert.deepEqual(adapt, splits.adapt);
    const queries = (await Deno.readTextFile(join(work, "queries.jsonl")))
      .trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(report.queries, queries.length);
    const held = new Set(splits.holdout);
    assert.ok(
      queries.every((q) => q.relevant.every((id: string) => held.has(id))),
    );
    // the work files evaluate again as plain files, images found through dataset.json
    const again = await task([
      "--products",
      join(work, "products.jsonl"),
      "--queries",
      join(work, "queries.jsonl"),
      "--split",
      "holdout",
      "--model",
      join(dir, "bundle"),
      "--device",
      "wasm",
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /5 products \(5 with a usable image\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task eval --dataset scores a tiny grocery-like dataset image to image", async () => {
  const dir = await Deno.makeTempDir({ prefix: "eval-task-" });
  try {
    await writeTinyDataset(join(dir, "grocery"), "grocery");
    await createTinyBundle(join(dir, "bundle"), { seed: 5 });
    const json = join(dir, "report.json");
    const r = await task([
      "--dataset",
      join(dir, "grocery"),
      "--model",
      join(dir, "bundle"),
      "--workdir",
      join(dir, "work"),
      "--json",
      json,
      "--device",
      "wasm",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^dataset grocery: evaluating split "all"/);
    assert.match(r.stdout, /\| in-store → iconic +\| +6 \|/);
    const report = JSON.parse(await Deno.readTextFile(json));
    assert.equal(report.queries, 4);
    assert.deepEqual(Object.keys(report.imageToImage.tags), [
      "in-store → iconic",
      "in-store → same class",
    ]);
    for (const g of Object.values(report.imageToImage.tags)) {
      const m = (g as { metrics: Record<string, number> }).metrics;
      for (const v of Object.values(m)) assert.ok(v >= 0 && v <= 1);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
