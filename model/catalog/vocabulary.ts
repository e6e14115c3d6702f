/**
 * The catalogue's keyword vocabulary: every surface term of types, colours, patterns,
 * materials, genders and brands, with its canonical value and whether it is held out
 * (used only in the unseen split). Trainers build Keyword Enhancement vocabularies from
 * the non-held-out terms.
 */

import {
  BRANDS,
  COLOURS,
  GENDERS,
  MATERIALS,
  PATTERNS,
} from "./attributes_table.ts";
import { CATEGORY_WORDS, PRODUCT_TYPES } from "./types_table.ts";

/** One vocabulary term. */
export interface VocabularyTerm {
  /** Lowercase surface form, e.g. "navy blue". */
  readonly term: string;
  /** "type", "category", "colour", "pattern", "material", "gender" or "brand". */
  readonly type: string;
  /** Canonical attribute value, e.g. "navy". */
  readonly canonical: string;
  /** True when the term appears only in the unseen split. */
  readonly heldOut: boolean;
}

function dedupe(terms: VocabularyTerm[]): VocabularyTerm[] {
  const seen = new Set<string>();
  return terms.filter((t) => {
    const key = `${t.type}\u0000${t.term}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Every term of the catalogue vocabulary, deduplicated by (term, type). */
export function catalogVocabulary(): VocabularyTerm[] {
  const out: VocabularyTerm[] = [];
  const add = (
    type: string,
    canonical: string,
    names: readonly string[],
    heldOut: boolean,
  ) => {
    for (const n of names) {
      out.push({ term: n.toLowerCase(), type, canonical, heldOut });
    }
  };
  for (const t of PRODUCT_TYPES) {
    add("type", t.id, t.names, false), add("type", t.id, t.heldOut, true);
  }
  for (const [cat, words] of Object.entries(CATEGORY_WORDS)) {
    add("category", cat, words ?? [], false);
  }
  for (const c of COLOURS) {
    add("colour", c.id, c.names, false), add("colour", c.id, c.heldOut, true);
  }
  for (const p of PATTERNS) {
    add("pattern", p.id, p.names, false), add("pattern", p.id, p.heldOut, true);
  }
  for (const [m, names] of Object.entries(MATERIALS)) {
    add("material", m, names.filter((n) => !n.includes("%")), false);
  }
  for (const g of GENDERS) add("gender", g.id, g.names, false);
  for (const b of Object.values(BRANDS)) {
    for (const s of b.seen) add("brand", s, [s], false);
    for (const s of b.unseen) add("brand", s, [s], true);
  }
  return dedupe(out);
}
