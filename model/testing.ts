/**
 * Tiny random model bundles for tests and benches of other folders: the architecture
 * and exporter of the trained default at small sizes, a few keywords. Production code
 * never imports this file (`deno task check-layers` fails if it does).
 * @module
 */

import type { KeywordVocabulary } from "../encode/mod.ts";
import {
  DEFAULT_CONFIG,
  initParams,
  type ModelConfig,
} from "./architecture.ts";
import { FILTER_BANK_IMAGE, writeBundle } from "./bundle.ts";

/** Vocabulary of tiny bundles: a few colours and product types. */
export const TINY_KEYWORDS: KeywordVocabulary = {
  keywords: [
    ...["red", "navy blue", "blue", "green", "black", "white"].map((term) => ({
      term,
      type: "colour",
    })),
    ...["dress", "running shoes", "t-shirt", "handbag", "watch"].map((
      term,
    ) => ({
      term,
      type: "type",
    })),
  ],
};

/** Model sizes of tiny bundles: small but the same architecture as the default. */
export function tinyConfig(dims = 16): ModelConfig {
  return {
    ...DEFAULT_CONFIG,
    dims,
    text: { ...DEFAULT_CONFIG.text, buckets: 2048, maxTokens: 64 },
    embedDim: 16,
    textHidden: 32,
    // The filter-bank front end: tests stay fast without the pretrained backbone.
    image: FILTER_BANK_IMAGE,
    imageHidden: 32,
    fusionHidden: 8,
  };
}

/** Options of {@linkcode createTinyBundle}. */
export interface TinyBundleOptions {
  /** Seed of the random weights; same seed, same bundle. */
  readonly seed: number;
  /** D. @default 16 */
  readonly dims?: number;
}

/**
 * Writes a complete, valid bundle with randomly initialised weights (for tests): same
 * architecture and exporter as the trained default, tiny sizes, a few keywords.
 */
export async function createTinyBundle(
  dir: string,
  options: TinyBundleOptions,
): Promise<void> {
  const params = initParams(tinyConfig(options.dims), options.seed);
  await writeBundle(dir, params, {
    name: "make-tiny",
    version: `tiny-${options.seed}`,
    keywords: TINY_KEYWORDS,
    alpha: 0.3,
  });
}
