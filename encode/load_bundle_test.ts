import assert from "node:assert/strict";
import { join } from "node:path";
import { createTinyBundle } from "../model/testing.ts";
import { EncodeError } from "../errors.ts";
import { loadBundle, sha256Hex } from "./load_bundle.ts";

async function withBundle(fn: (dir: string) => Promise<void>, dims = 16) {
  const dir = await Deno.makeTempDir();
  try {
    await createTinyBundle(dir, { seed: 3, dims });
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

type Manifest = Record<string, unknown> & {
  files: Record<string, { path: string; sha256: string }>;
};

async function editManifest(dir: string, edit: (m: Manifest) => void) {
  const path = join(dir, "manifest.json");
  const manifest = JSON.parse(await Deno.readTextFile(path)) as Manifest;
  edit(manifest);
  await Deno.writeTextFile(path, JSON.stringify(manifest));
}

async function loadError(dir: string): Promise<string> {
  const err = await loadBundle(dir).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof EncodeError, `expected EncodeError, got ${err}`);
  assert.ok(
    err.message.startsWith(`Cannot load model bundle "${dir}": `),
    err.message,
  );
  return err.message;
}

Deno.test("loadBundle() loads a valid bundle with its keywords and graphs", async () => {
  await withBundle(async (dir) => {
    const bundle = await loadBundle(dir);
    assert.equal(bundle.manifest.dims, 16);
    assert.equal(bundle.manifest.format, "make-bundle/1");
    assert.ok(bundle.keywords.keywords.length > 0);
    for (const key of ["query", "title", "image", "fusion"] as const) {
      assert.ok(bundle.graphs[key].length > 0, key);
    }
  });
});

Deno.test("loadBundle() reports a checksum mismatch and a missing file together", async () => {
  await withBundle(async (dir) => {
    const title = join(dir, "title.onnx");
    const bytes = await Deno.readFile(title);
    const expected = await sha256Hex(bytes);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    await Deno.writeFile(title, bytes);
    await Deno.remove(join(dir, "image.onnx"));
    const message = await loadError(dir);
    assert.match(message, /3 problems/);
    assert.match(message, /title\.onnx is not a valid ONNX model/);
    assert.match(
      message,
      new RegExp(
        `title\\.onnx sha256 mismatch \\(expected ${expected}, got ${await sha256Hex(
          bytes,
        )}\\)`,
      ),
    );
    assert.match(message, /image\.onnx not found/);
  });
});

Deno.test("loadBundle() reports graphs whose shapes do not fit the manifest", async () => {
  await withBundle(async (dir) => {
    await editManifest(dir, (m) => {
      m.dims = 8;
      (m.image as Record<string, unknown>).width = 32;
    });
    const message = await loadError(dir);
    for (const file of ["query", "title", "image"]) {
      assert.match(
        message,
        new RegExp(
          `${file}\\.onnx output "embedding" is float32 \\[N, 16\\], expected float32 \\[N, 8\\]`,
        ),
      );
    }
    assert.match(
      message,
      /image\.onnx input "pixels" is float32 \[N, 3, 64, 64\], expected float32 \[N, 3, 64, 32\]/,
    );
    assert.match(message, /fusion\.onnx input "title" is float32 \[N, 16\]/);
  });
});

Deno.test("loadBundle() reports a graph swapped for one of another bundle", async () => {
  await withBundle(async (dir) => {
    const other = await Deno.makeTempDir();
    try {
      await createTinyBundle(other, { seed: 4, dims: 8 });
      const swapped = await Deno.readFile(join(other, "image.onnx"));
      await Deno.writeFile(join(dir, "query.onnx"), swapped);
      const sha = await sha256Hex(swapped);
      await editManifest(
        dir,
        (m) => void (m.files.query = { path: "query.onnx", sha256: sha }),
      );
      const message = await loadError(dir);
      assert.match(message, /query\.onnx has no input "ids" \(has "pixels"\)/);
      assert.match(message, /query\.onnx has unexpected input "pixels"/);
    } finally {
      await Deno.remove(other, { recursive: true });
    }
  });
});

Deno.test("loadBundle() lists every invalid manifest field at once", async () => {
  await withBundle(async (dir) => {
    await editManifest(dir, (m) => {
      m.format = "make-bundle/2";
      m.dims = 0;
      (m.image as Record<string, unknown>).mean = [0.5, 0.5];
      (m.text as Record<string, unknown>).ngramMax = 1;
      m.files.fusion = { path: "../fusion.onnx", sha256: "xyz" };
    });
    const message = await loadError(dir);
    assert.match(message, /6 problems/);
    for (
      const field of [
        "format",
        "dims",
        "image.mean",
        "text.ngramMax",
        "files.fusion.path",
        "files.fusion.sha256",
      ]
    ) {
      assert.ok(
        message.includes(`- ${field} `),
        `${field} reported in ${message}`,
      );
    }
  });
});

Deno.test("loadBundle() reports a missing or unreadable manifest and bad keywords", async () => {
  const empty = await Deno.makeTempDir();
  try {
    assert.match(await loadError(empty), /manifest\.json not found/);
    await Deno.writeTextFile(join(empty, "manifest.json"), "{not json");
    assert.match(await loadError(empty), /cannot read manifest\.json/);
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
  await withBundle(async (dir) => {
    const text = '{"words": []}';
    await Deno.writeTextFile(join(dir, "keywords.json"), text);
    const sha = await sha256Hex(new TextEncoder().encode(text));
    await editManifest(
      dir,
      (m) => void (m.files.keywords = { path: "keywords.json", sha256: sha }),
    );
    assert.match(
      await loadError(dir),
      /keywords\.json: Cannot read keyword vocabulary/,
    );
  });
});
