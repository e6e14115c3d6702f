/**
 * Keyword Enhancement at query time: the keyword vocabulary of a bundle
 * (keywords.json), longest-match detection of its terms in a query, and enhancement of
 * the query vector with the vectors of the detected terms.
 * @module
 */

import { textWords } from "./text_features.ts";

/** One vocabulary term: normalised text of one or more words and its kind. */
export interface KeywordTerm {
  /** Normalised text of one or more words. */
  readonly term: string;
  /** Free text: "colour", "type", "brand", "material", "pattern", "gender", … */
  readonly type: string;
}

/** The parsed keywords.json of a bundle. */
export interface KeywordVocabulary {
  /** Every term, in file order. */
  readonly keywords: readonly KeywordTerm[];
}

/** A vocabulary term found in a text; `start`/`end` are word indices (end exclusive). */
export interface KeywordHit extends KeywordTerm {
  /** Index of the first word of the match. */
  readonly start: number;
  /** Index after the last word of the match. */
  readonly end: number;
}

/**
 * Checks parsed keywords.json and returns it typed.
 * @throws {TypeError} listing every malformed entry
 */
export function parseKeywordVocabulary(value: unknown): KeywordVocabulary {
  const list = (value as { keywords?: unknown } | null)?.keywords;
  if (!Array.isArray(list)) {
    throw new TypeError(
      'Cannot read keyword vocabulary: expected {"keywords": [...]}',
    );
  }
  const problems: string[] = [];
  const keywords: KeywordTerm[] = [];
  list.forEach((entry: unknown, i) => {
    const { term, type } = (entry ?? {}) as Record<string, unknown>;
    if (typeof term !== "string" || term.trim() === "") {
      problems.push(`keywords[${i}].term must be a non-empty string`);
    } else if (typeof type !== "string") {
      problems.push(`keywords[${i}].type must be a string`);
    } else keywords.push({ term, type });
  });
  if (problems.length > 0) {
    throw new TypeError(
      `Cannot read keyword vocabulary: ${problems.slice(0, 10).join("; ")}`,
    );
  }
  return { keywords };
}

/**
 * Singular form used to match words: "dresses" → "dress", "accessories" → "accessory",
 * "shoes" → "shoe". Applied to both vocabulary and query words, so plural and singular
 * forms match each other; the reported term is always the vocabulary's.
 */
export function singularise(word: string): string {
  if (word.length <= 3 || word.endsWith("ss") || word.endsWith("us")) {
    return word;
  }
  if (word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (/(ss|x|ch|sh|z)es$/u.test(word)) return word.slice(0, -2);
  if (word.endsWith("s")) return word.slice(0, -1);
  return word;
}

/** Detects vocabulary terms in text, longest match first, left to right. */
export class KeywordMatcher {
  readonly #terms = new Map<string, KeywordTerm>();
  readonly #maxWords: number;

  /** Builds the lookup; duplicate terms (after normalisation) keep the first entry. */
  constructor(vocabulary: KeywordVocabulary) {
    let maxWords = 0;
    for (const entry of vocabulary.keywords) {
      const words = textWords(entry.term).map(singularise);
      if (words.length === 0) continue;
      const key = words.join(" ");
      if (!this.#terms.has(key)) this.#terms.set(key, entry);
      maxWords = Math.max(maxWords, words.length);
    }
    this.#maxWords = maxWords;
  }

  /** Number of distinct terms. */
  get size(): number {
    return this.#terms.size;
  }

  /**
   * Terms found in `text`: at each word position the longest vocabulary term starting
   * there wins and its words are consumed; hits come in text order.
   */
  match(text: string): KeywordHit[] {
    const words = textWords(text).map(singularise);
    const hits: KeywordHit[] = [];
    let i = 0;
    while (i < words.length) {
      const hit = this.#longestAt(words, i);
      if (hit === undefined) {
        i++;
        continue;
      }
      hits.push(hit);
      i = hit.end;
    }
    return hits;
  }

  /** Distinct terms found in `text`, in text order. */
  terms(text: string): string[] {
    return [...new Set(this.match(text).map((hit) => hit.term))];
  }

  #longestAt(words: string[], start: number): KeywordHit | undefined {
    const longest = Math.min(this.#maxWords, words.length - start);
    for (let n = longest; n >= 1; n--) {
      const entry = this.#terms.get(words.slice(start, start + n).join(" "));
      if (entry !== undefined) {
        return { term: entry.term, type: entry.type, start, end: start + n };
      }
    }
    return undefined;
  }
}

/** Scales `vector` to unit length in place (a zero vector stays zero). */
export function l2NormaliseInPlace(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const v of vector) sum += v * v;
  const norm = Math.sqrt(sum);
  if (norm > 0) {
    for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] ?? 0) / norm;
  }
  return vector;
}

/**
 * Keyword-enhanced query vector: L2normalise(query + alpha · mean(keywordVectors)).
 * Returns `query` itself, unchanged, when there are no keyword vectors.
 * @throws {RangeError} when a keyword vector's length differs from the query's
 */
export function enhanceQuery(
  query: Float32Array,
  keywordVectors: readonly Float32Array[],
  alpha: number,
): Float32Array {
  if (keywordVectors.length === 0) return query;
  const out = Float32Array.from(query);
  const scale = alpha / keywordVectors.length;
  for (const vector of keywordVectors) {
    if (vector.length !== query.length) {
      throw new RangeError(
        `Cannot enhance query: keyword vector has ${vector.length} dims, query has ${query.length}`,
      );
    }
    for (let i = 0; i < out.length; i++) {
      out[i] = (out[i] ?? 0) + scale * (vector[i] ?? 0);
    }
  }
  return l2NormaliseInPlace(out);
}
