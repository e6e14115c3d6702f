/**
 * Items 1 (the limits) and 7 of the bench: decode alone and the product encoder alone on
 * the catalogue's images at the pipeline's batch size, and encoder throughput per device
 * (native, wasm, WebGPU where an adapter exists) for products with images, title-only
 * products and queries.
 * @module
 */
import {
  createEncoders,
  type Encoders,
  loadImage,
  type ModelBundle,
} from "../encode/mod.ts";
import type { ImageRef, ImageTensor } from "../types.ts";
import type { BenchCatalog } from "./_catalog.ts";
import { perSecond, round } from "./_stats.ts";
import { decodeInWorkers } from "./_decode_pool.ts";

/** Throughput of decode and encode alone. */
export interface LimitResults {
  readonly images: number;
  readonly imageSize: number;
  readonly batchSize: number;
  readonly device: string;
  /** Images loaded (file read + decode + resize + normalise) per second, one at a time. */
  readonly decodePerS: number;
  /** Decode alone per image format (images/s). */
  readonly decodeByFormat: Record<string, number>;
  /** Decode in one Worker per core (images/s): what decode could give off the main thread. */
  readonly decodeWorkersPerS: number;
  readonly workers: number;
  /** Products (title + image) encoded per second at `batchSize`, best pass. */
  readonly encodePerS: number;
  /** Both in sequence on one thread: 1 / (1/decode + 1/encode). */
  readonly serialBoundPerS: number;
}

/** Throughput of one device. */
export interface DeviceRow {
  readonly device: string;
  readonly batch: number;
  readonly productWithImagePerS?: number;
  readonly titleOnlyPerS?: number;
  readonly queryPerS?: number;
  readonly skipped?: string;
}

/** Loads every catalogue image; the tensors feed the encoder measurements. */
export async function decodeAll(
  catalog: BenchCatalog,
  bundle: ModelBundle,
): Promise<
  { tensors: ImageTensor[]; perS: number; formats: Record<string, number> }
> {
  const tensors: ImageTensor[] = [];
  const load = (ref: ImageRef) =>
    loadImage(ref, bundle.manifest.image, { baseDir: catalog.dir });
  // Warm-up: the first image of each format loads its codec (and MozJPEG runs a self-test).
  for (const ref of catalog.images.slice(0, 12)) await load(ref);
  const byFormat = new Map<string, number[]>();
  const t0 = performance.now();
  for (const ref of catalog.images) {
    const t = performance.now();
    const r = await load(ref);
    const format = "path" in ref
      ? ref.path.slice(ref.path.lastIndexOf(".") + 1)
      : "other";
    byFormat.set(format, [
      ...(byFormat.get(format) ?? []),
      performance.now() - t,
    ]);
    if (r.kind === "ok") tensors.push(r.tensor);
  }
  const formats = Object.fromEntries(
    [...byFormat].map((
      [f, ms],
    ) => [f, perSecond(ms.length, ms.reduce((a, b) => a + b, 0))]),
  );
  return {
    tensors,
    perS: perSecond(catalog.images.length, performance.now() - t0),
    formats,
  };
}

/** Items per second of `run` over `items` in batches, best of `passes` full passes. */
export async function throughput<T>(
  items: readonly T[],
  batch: number,
  passes: number,
  run: (batch: T[]) => Promise<unknown>,
): Promise<number> {
  let best = Infinity;
  for (let p = 0; p < passes; p++) {
    const t0 = performance.now();
    for (let i = 0; i < items.length; i += batch) {
      await run(items.slice(i, i + batch));
    }
    best = Math.min(best, performance.now() - t0);
  }
  return perSecond(items.length, best);
}

/** Decode alone and the shipped encoder (device "auto", as the service runs it) alone. */
export async function runLimits(
  catalog: BenchCatalog,
  bundle: ModelBundle,
  options: {
    batchSize: number;
    imageSize: number;
    progress: (line: string) => void;
  },
): Promise<{ results: LimitResults; tensors: ImageTensor[] }> {
  options.progress(`limits: decode alone over ${catalog.images.length} images`);
  const decoded = await decodeAll(catalog, bundle);
  const workers = navigator.hardwareConcurrency;
  options.progress(`limits: decode in ${workers} workers`);
  const decodeWorkersPerS = await decodeInWorkers(
    catalog.images,
    bundle.manifest.image,
    {
      baseDir: catalog.dir,
      workers,
      inFlight: 4,
    },
  );
  await using encoders = await createEncoders(bundle, { device: "auto" });
  const products = decoded.tensors.map((image, i) => ({
    title: String(catalog.events[i % catalog.events.length]!.title),
    image,
  }));
  options.progress(
    `limits: ${encoders.device} encoder alone, batch ${options.batchSize}`,
  );
  const encodePerS = await throughput(
    products,
    options.batchSize,
    3,
    (b) => encoders.product.encode(b, {}),
  );
  return {
    results: {
      images: catalog.images.length,
      imageSize: options.imageSize,
      batchSize: options.batchSize,
      device: encoders.device,
      decodePerS: decoded.perS,
      decodeByFormat: decoded.formats,
      decodeWorkersPerS,
      workers,
      encodePerS,
      serialBoundPerS: round(1 / (1 / decoded.perS + 1 / encodePerS), 1),
    },
    tensors: decoded.tensors,
  };
}

/** Throughput per device; WebGPU gets fewer items (a software adapter is slow). */
export async function runDevices(
  tensors: readonly ImageTensor[],
  bundle: ModelBundle,
  options: { items: number; batch: number; progress: (line: string) => void },
): Promise<DeviceRow[]> {
  const rows: DeviceRow[] = [];
  for (const device of ["native", "wasm", "webgpu"] as const) {
    options.progress(`devices: ${device}`);
    let encoders: Encoders;
    try {
      encoders = await createEncoders(bundle, { device });
    } catch (err) {
      rows.push({
        device,
        batch: options.batch,
        skipped: err instanceof Error ? err.message : String(err),
      });
      continue;
    }
    await using _ = encoders;
    const n = device === "webgpu" ? options.batch * 2 : options.items;
    const withImage = Array.from({ length: n }, (_, i) => ({
      title: `Product ${i} red cotton dress`,
      image: tensors[i % tensors.length] ?? null,
    }));
    const titleOnly = withImage.map((p) => ({ title: p.title, image: null }));
    const queries = withImage.map((p) => p.title);
    const run = (
      items: readonly unknown[],
      f: (b: never[]) => Promise<unknown>,
    ) =>
      throughput(
        items as never[],
        options.batch,
        device === "webgpu" ? 1 : 2,
        f,
      );
    rows.push({
      device: encoders.device,
      batch: options.batch,
      productWithImagePerS: await run(
        withImage,
        (b) => encoders.product.encode(b, {}),
      ),
      titleOnlyPerS: await run(
        titleOnly,
        (b) => encoders.product.encode(b, {}),
      ),
      queryPerS: await run(queries, (b) => encoders.query.encode(b, {})),
    });
  }
  return rows;
}
