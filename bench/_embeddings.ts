/**
 * Embeddings of a catalogue folder (`products.jsonl` + images, the format of
 * `deno task catalog` and of the real-photo datasets) made with a model bundle through
 * the service's own image loading and product encoder, cached under the bench's output
 * folder (never in the repository): a second sweep over the same folder and model reads
 * the cache. Queries are the query encoder's vectors of product titles, as shoppers type.
 * @module
 */
import { basename, join, resolve } from "node:path";
import {
  createEncoders,
  loadImage,
  type ModelBundle,
  sha256Hex,
} from "../encode/mod.ts";
import type { ImageRef, ImageTensor } from "../types.ts";
import { prng } from "./_vectors.ts";

/** Vectors of one data set, packed row-major. */
export interface EmbeddingSet {
  /** Short name (folder name, or a synthetic description). */
  readonly name: string;
  readonly dims: number;
  /** n × dims product vectors. */
  readonly vectors: Float32Array;
  /** q × dims query vectors. */
  readonly queries: Float32Array;
  /** One attribute per product for filtered searches (e.g. its type or colour). */
  readonly facet: readonly string[];
  /** The facet value each query's filter names (that of the product it came from). */
  readonly queryFacet: readonly string[];
  /**
   * Products read, decoded and encoded per second (batch 32, one process): the rate a
   * model-upgrade reindex re-encodes at. Absent when the embeddings came from the cache.
   */
  readonly encodedPerS?: number;
  /** Generated vectors, not a model's embeddings: reported, but not used to pick. */
  readonly synthetic?: boolean;
}

interface Product {
  readonly id: string;
  readonly title: string;
  readonly image: ImageRef | null;
  readonly facet: string;
}

/** Reads `products.jsonl` of a catalogue folder. */
async function readProducts(dir: string): Promise<Product[]> {
  const text = await Deno.readTextFile(join(dir, "products.jsonl"));
  return text.split("\n").filter((l) => l.trim() !== "").map((line, i) => {
    const e = JSON.parse(line) as Record<string, unknown>;
    if (typeof e.id !== "string" || typeof e.title !== "string") {
      throw new SyntaxError(
        `Cannot read ${dir}/products.jsonl line ${
          i + 1
        }: id and title must be strings`,
      );
    }
    const attrs = (e.attrs ?? {}) as Record<string, unknown>;
    const facet = String(
      attrs.type ?? attrs.class ?? attrs.colour ?? Object.values(attrs)[0] ??
        "",
    );
    return {
      id: e.id,
      title: e.title,
      image: (e.image ?? null) as ImageRef | null,
      facet,
    };
  });
}

/** Options of {@linkcode catalogEmbeddings}. */
export interface CatalogEmbeddingOptions {
  /** Folder the cache files go in. */
  readonly cacheDir: string;
  /** Query vectors wanted (titles of a seeded sample of products). */
  readonly queries: number;
  readonly progress: (line: string) => void;
}

/**
 * Encodes every product of the catalogue in `dir` with `bundle` (or reads the cache).
 * @throws {SyntaxError} on a malformed products.jsonl line
 */
export async function catalogEmbeddings(
  dir: string,
  bundle: ModelBundle,
  options: CatalogEmbeddingOptions,
): Promise<EmbeddingSet> {
  const products = await readProducts(dir);
  const dims = bundle.manifest.dims;
  const key = (await sha256Hex(
    new TextEncoder().encode(
      `${
        resolve(dir)
      }\n${bundle.manifest.version}\n${products.length}\n${options.queries}`,
    ),
  )).slice(0, 16);
  const name = basename(resolve(dir));
  const cache = join(options.cacheDir, `embeddings-${name}-${key}`);
  const cached = await readCache(cache, name, dims, products);
  if (cached) return cached;
  const sample = sampleOf(products.length, options.queries, 17);
  await using encoders = await createEncoders(bundle, { device: "auto" });
  const started = performance.now();
  const vectors = new Float32Array(products.length * dims);
  const batch = 32;
  for (let i = 0; i < products.length; i += batch) {
    const slice = products.slice(i, i + batch);
    const images = await Promise.all(
      slice.map((p) => loadOrNull(p.image, dir, bundle)),
    );
    const encoded = await encoders.product.encode(
      slice.map((p, j) => ({ title: p.title, image: images[j] ?? null })),
    );
    encoded.forEach((e, j) => vectors.set(e.vector, (i + j) * dims));
    if ((i / batch) % 20 === 0) {
      options.progress(`embeddings ${name}: ${i}/${products.length}`);
    }
  }
  const encodedPerS = Math.round(
    products.length / ((performance.now() - started) / 1000),
  );
  const titles = sample.map((i) => products[i]!.title);
  const queries = new Float32Array(titles.length * dims);
  for (let i = 0; i < titles.length; i += 64) {
    const out = await encoders.query.encode(titles.slice(i, i + 64));
    out.forEach((q, j) => queries.set(q.vector, (i + j) * dims));
  }
  await Deno.mkdir(options.cacheDir, { recursive: true });
  await Deno.writeFile(`${cache}.bin`, bytesOf(vectors, queries));
  await Deno.writeTextFile(`${cache}.json`, JSON.stringify({ sample }));
  return {
    ...setOf(name, dims, products, vectors, queries, sample),
    encodedPerS,
  };
}

async function loadOrNull(
  ref: ImageRef | null,
  dir: string,
  bundle: ModelBundle,
): Promise<ImageTensor | null> {
  if (ref === null) return null;
  const r = await loadImage(ref, bundle.manifest.image, { baseDir: dir });
  return r.kind === "ok" ? r.tensor : null;
}

async function readCache(
  cache: string,
  name: string,
  dims: number,
  products: readonly Product[],
): Promise<EmbeddingSet | null> {
  try {
    const { sample } = JSON.parse(
      await Deno.readTextFile(`${cache}.json`),
    ) as { sample: number[] };
    const bytes = await Deno.readFile(`${cache}.bin`);
    const all = new Float32Array(bytes.buffer, 0, bytes.byteLength / 4);
    const n = products.length * dims;
    if (all.length !== n + sample.length * dims) return null;
    return setOf(
      name,
      dims,
      products,
      all.slice(0, n),
      all.slice(n),
      sample,
    );
  } catch (err: unknown) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

function setOf(
  name: string,
  dims: number,
  products: readonly Product[],
  vectors: Float32Array,
  queries: Float32Array,
  sample: readonly number[],
): EmbeddingSet {
  return {
    name,
    dims,
    vectors,
    queries,
    facet: products.map((p) => p.facet),
    queryFacet: sample.map((i) => products[i]!.facet),
  };
}

function bytesOf(a: Float32Array, b: Float32Array): Uint8Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return new Uint8Array(out.buffer);
}

/** `count` distinct indices below `n`, seeded (all of them when count ≥ n). */
export function sampleOf(n: number, count: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const rand = prng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order.slice(0, Math.min(n, count));
}
