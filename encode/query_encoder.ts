/**
 * Query encoder: query tower + Keyword Enhancement. Vocabulary terms found in a
 * query are encoded with the same tower (cached per term) and blended into the
 * query vector with the manifest's alpha.
 * @module
 */

import type { BundleManifest } from "./bundle_manifest.ts";
import {
  enhanceQuery,
  KeywordMatcher,
  type KeywordVocabulary,
} from "./keywords.ts";
import { textFeatures } from "./text_features.ts";
import type { OrtModule, SerialSession } from "./_serial_session.ts";
import { floats } from "./product_encoder.ts";

/** One query's embedding. */
export interface QueryEmbedding {
  /** L2-normalised query vector, keyword-enhanced when keywords were found and enhance is on. */
  readonly vector: Float32Array;
  /** Vocabulary terms detected in the query, in query order, without repeats. */
  readonly keywords: readonly string[];
}

/** Options of {@linkcode QueryEncoder.encode}. */
export interface QueryEncodeOptions {
  /** Aborts the call; it then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Blend detected keywords into the vector (Keyword Enhancement). @default true */
  readonly enhance?: boolean;
}

/** Encodes search queries; see {@linkcode QueryEncoder.encode}. */
export interface QueryEncoder {
  /** Vector length (D). */
  readonly dims: number;
  /** The bundle's version. */
  readonly modelVersion: string;
  /**
   * Encodes queries in order, in one tower run (plus uncached keyword terms).
   * @throws {TypeError} when a query is not a string
   * @throws the signal's reason when aborted; {EncodeError} when the runtime fails
   */
  encode(
    queries: readonly string[],
    options?: QueryEncodeOptions,
  ): Promise<QueryEmbedding[]>;
}

/** Session and settings a query encoder runs with. */
export interface QuerySessions {
  readonly ort: OrtModule;
  readonly manifest: BundleManifest;
  readonly keywords: KeywordVocabulary;
  readonly query: SerialSession;
}

/** Creates a query encoder over an already-created query-tower session. */
export function createQueryEncoder(s: QuerySessions): QueryEncoder {
  const matcher = new KeywordMatcher(s.keywords);
  // Bounded by the vocabulary: only vocabulary terms are ever cached.
  const termVectors = new Map<string, Float32Array>();
  const run = async (texts: readonly string[], signal?: AbortSignal) => {
    const T = s.manifest.text.maxTokens;
    const ids = new Int32Array(texts.length * T);
    texts.forEach((text, i) =>
      ids.set(textFeatures(text, s.manifest.text), i * T)
    );
    const out = await s.query.run({
      ids: new s.ort.Tensor("int32", ids, [texts.length, T]),
    }, { signal });
    const D = s.manifest.dims;
    const all = floats(out, "embedding", texts.length * D);
    return texts.map((_, i) => all.slice(i * D, (i + 1) * D));
  };
  return {
    dims: s.manifest.dims,
    modelVersion: s.manifest.version,
    async encode(queries, options = {}) {
      if (
        !Array.isArray(queries) || queries.some((q) => typeof q !== "string")
      ) {
        throw new TypeError(
          "Cannot encode queries: expected an array of strings",
        );
      }
      if (queries.length === 0) return [];
      const found = queries.map((
        q,
      ) => [...new Set(matcher.match(q).map((h) => h.term))]);
      const enhance = options.enhance ?? true;
      const missing = enhance
        ? [...new Set(found.flat())].filter((term) => !termVectors.has(term))
        : [];
      const vectors = await run([...queries, ...missing], options.signal);
      missing.forEach((term, i) =>
        termVectors.set(term, vectors[queries.length + i] as Float32Array)
      );
      return queries.map((_, i) => {
        const plain = vectors[i] as Float32Array;
        const keywords = found[i] ?? [];
        if (!enhance || keywords.length === 0) {
          return { vector: plain, keywords };
        }
        const kw = keywords.map((term) =>
          termVectors.get(term) as Float32Array
        );
        return {
          vector: enhanceQuery(plain, kw, s.manifest.keywords.alpha),
          keywords,
        };
      });
    },
  };
}
