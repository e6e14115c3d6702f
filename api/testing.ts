/**
 * Fakes for tests of the HTTP app: an exact in-memory searcher and a deterministic
 * query encoder (hashed character trigrams). Production code never imports this file.
 * @module
 */

import type { AttrFilter, Attrs, ProductRecord, SearchHit } from "../types.ts";
import type { QueryEmbedding, QueryEncoder } from "../encode/mod.ts";
import type { Searcher, SearcherOptions } from "./app_options.ts";

/** Options of {@linkcode FakeQueryEncoder}. */
export interface FakeQueryEncoderOptions {
  /** Vector length. @default 64 */
  readonly dims?: number;
  /** Keyword vocabulary; a query's keywords are the entries it contains as whole words. */
  readonly vocabulary?: readonly string[];
}

/** Deterministic text → unit vector; similar strings get similar vectors. */
export class FakeQueryEncoder implements Pick<QueryEncoder, "encode"> {
  readonly dims: number;
  readonly #vocabulary: string[];
  /** Every batch it was asked to encode, in order. */
  readonly calls: string[][] = [];

  constructor(options: FakeQueryEncoderOptions = {}) {
    this.dims = options.dims ?? 64;
    this.#vocabulary = [...(options.vocabulary ?? [])]
      .map((v) => v.toLowerCase())
      .sort((a, b) => b.length - a.length);
  }

  /** Encodes each query; rejects with the signal's reason when already aborted. */
  encode(
    queries: readonly string[],
    options: { signal?: AbortSignal } = {},
  ): Promise<QueryEmbedding[]> {
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    this.calls.push([...queries]);
    return Promise.resolve(queries.map((q) => ({
      vector: this.embed(q),
      keywords: this.keywords(q),
    })));
  }

  /** The vector `encode` gives `text`, synchronously (used to build fake indexes). */
  embed(text: string): Float32Array {
    const v = new Float32Array(this.dims);
    for (const word of text.toLowerCase().split(/\s+/)) {
      if (!word) continue;
      const padded = `#${word}#`;
      for (let i = 0; i + 3 <= padded.length; i++) {
        const h = fnv1a(padded.slice(i, i + 3));
        v[h % this.dims] = (v[h % this.dims] ?? 0) + ((h >>> 16) & 1 ? 1 : -1);
      }
    }
    return normalise(v);
  }

  /** Vocabulary entries found in `query` as whole words, longest first, no overlaps. */
  keywords(query: string): string[] {
    let rest = ` ${query.toLowerCase().split(/\s+/).join(" ")} `;
    const found: string[] = [];
    for (const term of this.#vocabulary) {
      if (rest.includes(` ${term} `)) {
        found.push(term);
        rest = rest.replace(` ${term} `, " | ");
      }
    }
    return found;
  }
}

/** A product for {@linkcode FakeSearcher}. */
export interface FakeProduct {
  readonly id: string;
  readonly title: string;
  readonly attrs?: Attrs;
  readonly weights?: { title: number; image: number };
  /** Its vector; default: the fake encoder's embedding of the title. */
  readonly vector?: Float32Array;
  /** Its thumbnail (JPEG bytes); default: none. */
  readonly thumbnail?: Uint8Array;
}

/** Exact cosine search over an in-memory list, with equality filters. */
export class FakeSearcher implements Searcher {
  ready = true;
  version = "fake-1";
  modelVersion: string | undefined = "fake-model";
  readonly #items = new Map<
    string,
    { record: ProductRecord; vector: Float32Array }
  >();
  /** Arguments of every `search` call. */
  readonly searches: SearcherOptions[] = [];
  /** Thumbnails by record `thumb` name. */
  readonly #thumbnails = new Map<string, Uint8Array>();

  constructor(
    encoder: FakeQueryEncoder,
    products: readonly FakeProduct[] = [],
  ) {
    for (const p of products) {
      const record: ProductRecord = {
        id: p.id,
        title: p.title,
        attrs: p.attrs ?? {},
        version: 1,
        weights: p.weights ?? { title: 0.6, image: 0.4 },
        eventTimeMs: 0,
        indexedAtMs: 0,
        ...(p.thumbnail ? { thumb: `${p.id}.jpg` } : {}),
      };
      if (p.thumbnail) this.#thumbnails.set(`${p.id}.jpg`, p.thumbnail);
      this.#items.set(p.id, {
        record,
        vector: p.vector ?? encoder.embed(p.title),
      });
    }
  }

  info(): { version: string; size: number; modelVersion?: string } {
    return {
      version: this.version,
      size: this.#items.size,
      ...(this.modelVersion ? { modelVersion: this.modelVersion } : {}),
    };
  }

  search(vector: Float32Array, options: SearcherOptions): SearchHit[] {
    this.searches.push({
      k: options.k,
      ...(options.filters ? { filters: options.filters } : {}),
      ...(options.ef === undefined ? {} : { ef: options.ef }),
    });
    const hits: SearchHit[] = [];
    for (const { record, vector: v } of this.#items.values()) {
      const ok = (options.filters ?? []).every((f) =>
        Object.hasOwn(record.attrs, f.attr) &&
        String(record.attrs[f.attr]) === f.value
      );
      if (ok) hits.push({ id: record.id, score: dot(vector, v), record });
    }
    return hits.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
      .slice(0, options.k);
  }

  get(id: string): ProductRecord | undefined {
    return this.#items.get(id)?.record;
  }

  thumbnail(record: ProductRecord): Promise<Uint8Array | undefined> {
    return Promise.resolve(
      record.thumb ? this.#thumbnails.get(record.thumb) : undefined,
    );
  }
}

/** Colours of the canned catalogue (also its keyword vocabulary). */
export const CANNED_COLOURS = [
  "red",
  "navy blue",
  "black",
  "white",
  "green",
  "beige",
];
/** Product types of the canned catalogue (also its keyword vocabulary). */
export const CANNED_TYPES = [
  "dress",
  "sneakers",
  "handbag",
  "watch",
  "jacket",
  "t-shirt",
];

/**
 * A searcher whose `search` returns the first k of `count` pre-built hits (filters
 * ignored): the index costs nothing, so benchmarks measure the app alone.
 */
export function cannedSearcher(count: number): Searcher {
  const hits: SearchHit[] = [];
  for (let i = 0; i < count; i++) {
    const colour = CANNED_COLOURS[i % CANNED_COLOURS.length] ?? "red";
    const type = CANNED_TYPES[(i * 7) % CANNED_TYPES.length] ?? "dress";
    const record: ProductRecord = {
      id: `p${i}`,
      title: `Brand${
        i % 13
      } ${colour} ${type} women's summer casual, size M, cotton blend #${i}`,
      attrs: { color: colour, category: type, brand: `Brand${i % 13}` },
      version: 1,
      weights: { title: 0.55, image: 0.45 },
      eventTimeMs: 0,
      indexedAtMs: 0,
    };
    hits.push({ id: record.id, score: 0.9 - i * 0.001, record });
  }
  return {
    ready: true,
    info: () => ({ version: "bench", size: 100_000, modelVersion: "m1" }),
    search: (_v: Float32Array, o: { k: number; filters?: AttrFilter[] }) =>
      hits.slice(0, o.k),
    get: (id: string) => hits.find((h) => h.id === id)?.record,
  };
}

/** The fake encoder's keyword detection with one fixed 256-d vector for every query. */
export function fixedVectorEncoder(): Pick<QueryEncoder, "encode"> {
  const fake = new FakeQueryEncoder({
    dims: 256,
    vocabulary: [...CANNED_COLOURS, ...CANNED_TYPES],
  });
  const vector = fake.embed("red dress");
  return {
    encode: (queries: readonly string[]): Promise<QueryEmbedding[]> =>
      Promise.resolve(
        queries.map((q) => ({ vector, keywords: fake.keywords(q) })),
      ),
  };
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function normalise(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) {
    for (let i = 0; i < v.length; i++) {
      v[i] = (v[i] ?? 0) / norm;
    }
  }
  return v;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}
