import assert from "node:assert/strict";
import { createTinyBundle } from "../model/testing.ts";
import { createMemoryLogger } from "../log.ts";
import type { ImageTensor } from "../types.ts";
import { loadBundle, type ModelBundle } from "./load_bundle.ts";
import { createEncoders, type Encoders } from "./create_encoders.ts";
import { probeGpu } from "./device.ts";

async function tinyBundle(): Promise<ModelBundle> {
  const dir = await Deno.makeTempDir();
  try {
    await createTinyBundle(dir, { seed: 7, dims: 16 });
    return await loadBundle(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function image(seed: number): ImageTensor {
  const data = new Float32Array(3 * 64 * 64);
  for (let i = 0; i < data.length; i++) {
    data[i] = Math.sin(seed * 12.9898 + i * 0.37) * 2;
  }
  return { width: 64, height: 64, data };
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] ?? NaN))), 0);
}

const PRODUCTS = [
  { title: "Red silk evening dress, long sleeves", image: image(1) },
  { title: "Running shoes men's lightweight", image: null },
  { title: "navy blue cotton shirt", image: image(2) },
  { title: "", image: image(3) },
];

for (const device of ["wasm", "native"] as const) {
  Deno.test(`createEncoders() on ${device}`, async (t) => {
    await encoderContract(t, device);
  });
}

async function encoderContract(t: Deno.TestContext, device: "wasm" | "native") {
  const bundle = await tinyBundle();
  const log = createMemoryLogger();
  await using encoders: Encoders = await createEncoders(bundle, {
    device,
    log,
  });

  await t.step("logs the resolved device and reason", () => {
    assert.equal(encoders.device, device);
    assert.deepEqual(log.lines.map((l) => [l.event, l.device, l.reason]), [[
      "encoder_device",
      device,
      "requested",
    ]]);
  });

  await t.step(
    "product vectors are unit length, deterministic, with weights",
    async () => {
      const a = await encoders.product.encode(PRODUCTS);
      const b = await encoders.product.encode(PRODUCTS);
      assert.equal(a.length, PRODUCTS.length);
      a.forEach((e, i) => {
        assert.equal(e.vector.length, 16);
        assert.ok(Math.abs(Math.hypot(...e.vector) - 1) < 1e-5);
        assert.deepEqual(e.vector, b[i]?.vector);
        assert.ok(Math.abs(e.weights.title + e.weights.image - 1) < 1e-5);
        assert.equal(e.towers.title.length, 16);
      });
    },
  );

  await t.step(
    "a product without image has image weight exactly 0 and no image tower",
    async () => {
      const [withImage, without] = await encoders.product.encode(
        [PRODUCTS[0], PRODUCTS[1]].filter((p) => p !== undefined),
      );
      assert.equal(without?.weights.image, 0);
      assert.equal(without?.weights.title, 1);
      assert.equal(without?.towers.image, null);
      assert.ok((withImage?.weights.image ?? 0) > 0);
      assert.equal(withImage?.towers.image?.length, 16);
    },
  );

  await t.step("batch and single encodes agree", async () => {
    const batch = await encoders.product.encode(PRODUCTS);
    for (const [i, product] of PRODUCTS.entries()) {
      const [single] = await encoders.product.encode([product]);
      assert.ok(
        single !== undefined &&
          maxDiff(single.vector, batch[i]?.vector ?? new Float32Array()) <=
            1e-5,
      );
    }
    const queries = ["red dress", "cheap phone charger", "navy blue shirt"];
    const many = await encoders.query.encode(queries);
    for (const [i, q] of queries.entries()) {
      const [one] = await encoders.query.encode([q]);
      assert.ok(
        one !== undefined &&
          maxDiff(one.vector, many[i]?.vector ?? new Float32Array()) <= 1e-5,
      );
      assert.deepEqual(one.keywords, many[i]?.keywords);
    }
  });

  await t.step(
    "concurrent calls are serialised and give the sequential results",
    async () => {
      const sequential = await encoders.product.encode(PRODUCTS);
      const concurrent = await Promise.all(
        PRODUCTS.map((p) => encoders.product.encode([p])),
      );
      concurrent.forEach(([e], i) =>
        assert.ok(
          maxDiff(
            e?.vector ?? new Float32Array(),
            sequential[i]?.vector ?? new Float32Array(),
          ) <= 1e-5,
        )
      );
    },
  );

  await t.step(
    "keyword enhancement changes only queries with keywords",
    async () => {
      const [plainKw, plainNone] = await encoders.query.encode([
        "red dress",
        "zzqx",
      ], { enhance: false });
      const [enhKw, enhNone] = await encoders.query.encode([
        "red dress",
        "zzqx",
      ]);
      assert.deepEqual(enhKw?.keywords, ["red", "dress"]);
      assert.deepEqual(plainKw?.keywords, ["red", "dress"]);
      assert.deepEqual(enhNone?.keywords, []);
      assert.deepEqual(enhNone?.vector, plainNone?.vector);
      assert.ok(
        maxDiff(
          enhKw?.vector ?? new Float32Array(),
          plainKw?.vector ?? new Float32Array(),
        ) > 1e-3,
      );
      assert.ok(Math.abs(Math.hypot(...(enhKw?.vector ?? [])) - 1) < 1e-5);
    },
  );

  await t.step(
    "rejects malformed input with TypeError or RangeError",
    async () => {
      await assert.rejects(
        encoders.product.encode([{
          title: 5 as unknown as string,
          image: null,
        }]),
        TypeError,
      );
      const small = {
        width: 32,
        height: 32,
        data: new Float32Array(3 * 32 * 32),
      };
      await assert.rejects(
        encoders.product.encode([{ title: "x", image: small }]),
        RangeError,
      );
      await assert.rejects(
        encoders.query.encode([null as unknown as string]),
        TypeError,
      );
      assert.deepEqual(await encoders.product.encode([]), []);
    },
  );

  await t.step("an aborted signal rejects with its reason", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await assert.rejects(
      encoders.product.encode(PRODUCTS, { signal: controller.signal }),
      /stop/,
    );
    await assert.rejects(
      encoders.query.encode(["red"], { signal: controller.signal }),
      /stop/,
    );
  });
}

const gpu = await probeGpu();

Deno.test({
  name: `createEncoders() on webgpu matches wasm${
    gpu.available ? "" : ` (ignored: ${gpu.description})`
  }`,
  ignore: !gpu.available,
  async fn() {
    const bundle = await tinyBundle();
    await using wasm = await createEncoders(bundle, { device: "wasm" });
    await using webgpu = await createEncoders(bundle, { device: "webgpu" });
    assert.equal(webgpu.device, "webgpu");
    const a = await wasm.product.encode(PRODUCTS);
    const b = await webgpu.product.encode(PRODUCTS);
    a.forEach((e, i) =>
      assert.ok(
        maxDiff(e.vector, b[i]?.vector ?? new Float32Array()) <= 1e-3,
        `product ${i}`,
      )
    );
    const [qa] = await wasm.query.encode(["red dress"]);
    const [qb] = await webgpu.query.encode(["red dress"]);
    assert.ok(
      maxDiff(
        qa?.vector ?? new Float32Array(),
        qb?.vector ?? new Float32Array(),
      ) <= 1e-3,
    );
  },
});

Deno.test("createEncoders() native and wasm agree", async () => {
  const bundle = await tinyBundle();
  await using wasm = await createEncoders(bundle, { device: "wasm" });
  await using native = await createEncoders(bundle, { device: "native" });
  const a = await wasm.product.encode(PRODUCTS);
  const b = await native.product.encode(PRODUCTS);
  a.forEach((e, i) =>
    assert.ok(
      maxDiff(e.vector, b[i]?.vector ?? new Float32Array()) <= 1e-4,
      `product ${i}`,
    )
  );
  const qa = await wasm.query.encode(["red dress", "blue shoes"]);
  const qb = await native.query.encode(["red dress", "blue shoes"]);
  qa.forEach((q, i) =>
    assert.ok(maxDiff(q.vector, qb[i]?.vector ?? new Float32Array()) <= 1e-4)
  );
});

Deno.test("createEncoders() rejects bad threads", async () => {
  const bundle = await tinyBundle();
  await assert.rejects(
    createEncoders(bundle, { device: "wasm", threads: 0 }),
    RangeError,
  );
});

Deno.test("createEncoders() auto skips a software fallback adapter", async () => {
  const bundle = await tinyBundle();
  await using encoders = await createEncoders(bundle, { device: "auto" });
  // Tests run with -A, so the native runtime loads when no real GPU exists.
  const expected = gpu.available && !gpu.fallback ? "webgpu" : "native";
  assert.equal(encoders.device, expected, encoders.deviceReason);
  assert.match(encoders.deviceReason, /^auto: /);
});

Deno.test({
  name:
    `createEncoders() runs the shipped default's backbone graph alike on native, wasm${
      gpu.available ? " and webgpu" : ` (webgpu ignored: ${gpu.description})`
    }`,
  async fn() {
    const bundle = await loadBundle("model/default");
    const { width, height } = bundle.manifest.image;
    const photo = (seed: number): ImageTensor => {
      const data = new Float32Array(3 * width * height);
      for (let i = 0; i < data.length; i++) {
        data[i] = Math.sin(seed * 12.9898 + i * 0.37);
      }
      return { width, height, data };
    };
    const products = [
      { title: "red silk dress", image: photo(1) },
      { title: "oak dining chair", image: photo(2) },
    ];
    await using native = await createEncoders(bundle, { device: "native" });
    const want = await native.product.encode(products);
    const devices = gpu.available
      ? ["wasm", "webgpu"] as const
      : ["wasm"] as const;
    for (const device of devices) {
      await using other = await createEncoders(bundle, { device });
      const got = await other.product.encode(products);
      want.forEach((e, i) => {
        const diff = maxDiff(e.vector, got[i]?.vector ?? new Float32Array());
        assert.ok(diff <= 1e-3, `${device} product ${i}: ${diff}`);
        assert.ok((e.weights.image ?? 0) > 0, "the image counts");
      });
    }
  },
});
