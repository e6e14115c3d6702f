/**
 * Training batches: (query, relevant product) pairs plus Keyword Enhancement pseudo
 * queries made of a product's attribute keywords, and the false-negative rules.
 * @module
 */

import { textFeatures, type TextSpec } from "../../encode/mod.ts";
import type { ProductSet, QuerySet } from "./data.ts";

/** Attribute keys whose values are keywords, with the chance each joins a pseudo query. */
export const KEYWORD_ATTRS: readonly (readonly [string, number])[] = [
  ["type", 0.75],
  ["colour", 0.35],
  ["colourFamily", 0.25],
  ["pattern", 0.25],
  ["material", 0.2],
  ["gender", 0.2],
  ["brand", 0.2],
  ["category", 0.1],
];

/** Attribute values that are not worth a keyword. */
const SKIP_VALUES = new Set(["", "solid", "unisex", "none"]);

/** One training batch. */
export interface Batch {
  /** [B] query rows of the QuerySet. */
  readonly queries: Int32Array;
  /** [B + K] product rows: the B queries' positives, then the K keyword products. */
  readonly products: Int32Array;
  /** [K, T] feature ids of the keyword pseudo queries. */
  readonly keywordIds: Int32Array;
  /** Per keyword query: the attribute (key, value) pairs it names. */
  readonly keywordSets: readonly (readonly [string, string][])[];
}

/** A product's attributes satisfy every (key, value) pair. */
export function satisfies(
  attrs: Readonly<Record<string, string>>,
  pairs: readonly (readonly [string, string])[],
): boolean {
  return pairs.every(([k, v]) => attrs[k] === v);
}

/** A random keyword pseudo query for a product: attribute pairs and their text. */
export function keywordQuery(
  attrs: Readonly<Record<string, string>>,
  rng: () => number,
): [string, string][] {
  const usable = KEYWORD_ATTRS.filter(([k]) =>
    !SKIP_VALUES.has(attrs[k] ?? "")
  );
  if (usable.length === 0) return [];
  let picked = usable.filter(([, p]) => rng() < p);
  if (picked.length === 0) {
    picked = [
      usable[Math.floor(rng() * usable.length)] ?? usable[0] ?? ["type", 1],
    ];
  }
  // Colour and its family say the same thing twice: keep one.
  if (picked.some(([k]) => k === "colour")) {
    picked = picked.filter(([k]) => k !== "colourFamily");
  }
  return picked.map(([k]) => [k, attrs[k] ?? ""]);
}

/** Options of {@linkcode sampleBatch}. */
export interface SampleOptions {
  readonly batchSize: number;
  readonly keywordBatchSize: number;
  readonly text: TextSpec;
}

/** Draws a batch: random queries with one random relevant product each. */
export function sampleBatch(
  products: ProductSet,
  queries: QuerySet,
  rng: () => number,
  options: SampleOptions,
): Batch {
  const b = options.batchSize;
  const k = options.keywordBatchSize;
  const qRows = new Int32Array(b);
  const pRows = new Int32Array(b + k);
  for (let i = 0; i < b; i++) {
    const q = Math.floor(rng() * queries.queries.length);
    const rel = queries.relevant[q] ?? [];
    qRows[i] = q;
    pRows[i] = rel[Math.floor(rng() * rel.length)] ?? 0;
  }
  const t = options.text.maxTokens;
  const keywordIds = new Int32Array(k * t);
  const keywordSets: [string, string][][] = [];
  for (let i = 0; i < k; i++) {
    const p = Math.floor(rng() * products.products.length);
    pRows[b + i] = p;
    const pairs = keywordQuery(products.products[p]?.attrs ?? {}, rng);
    keywordSets.push(pairs);
    keywordIds.set(
      textFeatures(pairs.map(([, v]) => v).join(" "), options.text),
      i * t,
    );
  }
  return { queries: qRows, products: pRows, keywordIds, keywordSets };
}
