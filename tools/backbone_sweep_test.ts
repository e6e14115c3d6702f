import assert from "node:assert/strict";
import { join } from "node:path";
import { Image } from "imagescript";

async function task(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "backbone-sweep", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return {
    code: out.code,
    stdout: decode(out.stdout),
    stderr: decode(out.stderr),
  };
}

Deno.test("deno task backbone-sweep --help exits 0 with the usage", async () => {
  const { code, stdout } = await task("--help");
  assert.equal(code, 0);
  assert.match(stdout, /Usage: deno task backbone-sweep/);
});

Deno.test("deno task backbone-sweep rejects bad options with one line and exit 2", async () => {
  for (
    const [args, message] of [
      [["--bogus"], 'Error: Unknown option "--bogus" (see --help)'],
      [
        ["--sizes", "96,x"],
        'Error: Invalid value for --sizes: "x" (want a positive integer) (see --help)',
      ],
      [["--out"], "Error: Missing value for --out (see --help)"],
    ] as const
  ) {
    const { code, stderr } = await task(...args);
    assert.equal(code, 2);
    assert.equal(stderr.trim(), message);
  }
});

/** A tiny catalogue: 16 solid-colour photos of red/blue chairs and tables. */
async function writeCatalogue(dir: string): Promise<void> {
  await Deno.mkdir(join(dir, "images"));
  const lines: string[] = [];
  const colours = { Red: [200, 30, 30], Blue: [30, 30, 200] } as const;
  for (let i = 0; i < 16; i++) {
    const colour = i % 2 === 0 ? "Red" : "Blue";
    const type = i % 4 < 2 ? "Chair" : "Table";
    const [r, g, b] = colours[colour];
    const image = new Image(40, 40);
    image.fill(Image.rgbaToColor(r, g + i, b, 255));
    if (type === "Table") image.drawBox(5, 5, 30, 10, 0x000000ff);
    const path = `images/p${i}.jpg`;
    await Deno.writeFile(join(dir, path), await image.encodeJPEG(90));
    lines.push(JSON.stringify({
      op: "upsert",
      id: `p${i}`,
      title: `${colour} ${type}`,
      image: { path },
      attrs: { type, colour },
    }));
  }
  await Deno.writeTextFile(
    join(dir, "products.jsonl"),
    lines.join("\n") + "\n",
  );
}

Deno.test("deno task backbone-sweep prints a table for a small catalogue", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sweep-" });
  try {
    await writeCatalogue(dir);
    const { code, stdout, stderr } = await task(
      "--dataset",
      dir,
      "--sizes",
      "32",
      "--runs",
      "1",
    );
    assert.equal(code, 0, stderr);
    assert.match(stdout, /train 10, held out 6/);
    assert.match(stdout, /\| 32 \| block_13_expand_relu \| 576 \| off \|/);
    assert.match(
      stdout,
      /\| 32 \| block_13_expand_relu \+ out_relu \| 1856 \| off \|/,
    );
    assert.match(stdout, /\| 64 \(colour only\) \| none \| 27 \| centre 27 \|/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
