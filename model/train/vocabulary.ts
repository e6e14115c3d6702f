/**
 * Builds the Keyword Enhancement vocabulary from a catalogue: every attribute value of
 * the training products under a keyword attribute (type, colour, pattern, material,
 * gender, brand, category) plus extra surface forms (synonyms, colour variants).
 * @module
 */

import {
  type KeywordTerm,
  type KeywordVocabulary,
  normaliseText,
} from "../../encode/mod.ts";
import { KEYWORD_ATTRS } from "./batch.ts";
import type { CatalogProduct } from "./data.ts";

/** Attribute key → keyword type written to keywords.json. */
const TYPE_OF: Record<string, string> = { colourFamily: "colour" };

/** Vocabulary of `products` plus `extra` terms; sorted by type then term; no duplicates. */
export function buildVocabulary(
  products: readonly CatalogProduct[],
  extra: readonly KeywordTerm[] = [],
): KeywordVocabulary {
  const seen = new Map<string, KeywordTerm>();
  const add = (term: string, type: string) => {
    const normal = normaliseText(term);
    if (normal === "" || normal === "solid" || seen.has(normal)) return;
    seen.set(normal, { term: normal, type });
  };
  for (const p of products) {
    for (const [key] of KEYWORD_ATTRS) {
      const value = p.attrs[key];
      if (value !== undefined) add(value, TYPE_OF[key] ?? key);
    }
  }
  for (const { term, type } of extra) add(term, type);
  const keywords = [...seen.values()].sort((a, b) =>
    a.type === b.type
      ? a.term.localeCompare(b.term)
      : a.type.localeCompare(b.type)
  );
  return { keywords };
}
