/**
 * Text features of the "hashed-ngram/1" tokenizer (docs/MODEL.md): normalised words,
 * whole-word features and character n-grams of "<word>", hashed with FNV-1a 32-bit into
 * ids 1..buckets. Works on any word, seen in training or not.
 * @module
 */

/** Text tokenizer parameters, as in the bundle manifest's `text` section. */
export interface TextSpec {
  /** Tokenizer kind; only "hashed-ngram/1" exists. */
  readonly tokenizer: "hashed-ngram/1";
  /** Number of hash buckets; ids are 1..buckets, 0 is padding. */
  readonly buckets: number;
  /** Shortest character n-gram taken from "<word>". */
  readonly ngramMin: number;
  /** Longest character n-gram taken from "<word>". */
  readonly ngramMax: number;
  /** Whether to emit one whole-word feature per word. */
  readonly words: boolean;
  /** Length of the id sequence; longer inputs are truncated, shorter ones 0-padded. */
  readonly maxTokens: number;
}

const ENCODER = new TextEncoder();
const APOSTROPHES = /['\u2019\u02bc]/gu;
const NON_WORD = /[^\p{L}\p{N}]+/gu;

/**
 * Normalises text the way every tower and the keyword matcher see it: Unicode NFKC,
 * lower case, apostrophes removed ("men's" → "mens"), every run of characters that are
 * neither letters nor digits replaced by one space, trimmed.
 */
export function normaliseText(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(APOSTROPHES, "")
    .replace(NON_WORD, " ").trim();
}

/** The words of normalised text (empty array for empty text). */
export function textWords(text: string): string[] {
  const normal = normaliseText(text);
  return normal === "" ? [] : normal.split(" ");
}

/** FNV-1a 32-bit hash of the UTF-8 bytes of `text`, as an unsigned integer. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of ENCODER.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Feature id (1..buckets) of a feature string. */
function featureId(feature: string, buckets: number): number {
  return (fnv1a32(feature) % buckets) + 1;
}

/**
 * The feature strings of text, in order: first one "w:<word>" per word (when
 * `spec.words`), then for each word the character n-grams (by code point) of
 * "<word>", shortest first, left to right. Words come first so that truncation of a
 * long title drops sub-word detail rather than whole words.
 */
export function featureStrings(text: string, spec: TextSpec): string[] {
  const words = textWords(text);
  const out: string[] = [];
  if (spec.words) { for (const word of words) out.push(`w:${word}`); }
  for (const word of words) {
    const chars = Array.from(`<${word}>`);
    for (let n = spec.ngramMin; n <= spec.ngramMax; n++) {
      for (let start = 0; start + n <= chars.length; start++) {
        out.push(chars.slice(start, start + n).join(""));
      }
    }
  }
  return out;
}

/** Checks a spec once; throws on values that would produce invalid ids. */
export function validateTextSpec(spec: TextSpec): void {
  if (spec.tokenizer !== "hashed-ngram/1") {
    throw new RangeError(
      `Cannot use text tokenizer "${spec.tokenizer}": only "hashed-ngram/1" is supported`,
    );
  }
  const ints: [string, number, number][] = [
    ["buckets", spec.buckets, 1],
    ["ngramMin", spec.ngramMin, 1],
    ["ngramMax", spec.ngramMax, spec.ngramMin],
    ["maxTokens", spec.maxTokens, 1],
  ];
  for (const [name, value, min] of ints) {
    if (!Number.isInteger(value) || value < min || value > 2 ** 31 - 2) {
      throw new RangeError(
        `Cannot use text spec: "${name}" must be an integer >= ${min}, got ${value}`,
      );
    }
  }
}

/**
 * Feature ids of `text` for a text tower: an Int32Array of length `spec.maxTokens`,
 * ids in 1..`spec.buckets`, truncated to `maxTokens`, padded with 0.
 * @throws {RangeError} when the spec is invalid
 */
export function textFeatures(text: string, spec: TextSpec): Int32Array {
  validateTextSpec(spec);
  const ids = new Int32Array(spec.maxTokens);
  const features = featureStrings(text, spec);
  const count = Math.min(features.length, spec.maxTokens);
  for (let i = 0; i < count; i++) {
    ids[i] = featureId(features[i] as string, spec.buckets);
  }
  return ids;
}
