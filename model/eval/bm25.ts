/**
 * BM25 baseline on product titles with MiniSearch (OR of query terms, no prefix or
 * fuzzy matching), lower-casing and the same light English plural folding on both sides
 * so that "dresses" matches "dress".
 */

import MiniSearch from "minisearch";

/** A product as the baseline sees it. */
export interface TitleDoc {
  /** Product id. */
  readonly id: string;
  /** Product title. */
  readonly title: string;
}

/** Folds simple English plurals ("dresses" → "dress", "watches" → "watch", "bodies" → "body"). */
export function foldPlural(token: string): string {
  if (token.length <= 3 || /[^a-z]/.test(token)) return token;
  if (token.length > 4 && token.endsWith("ies")) {
    return token.slice(0, -3) + "y";
  }
  if (/(ss|x|ch|sh)es$/.test(token)) return token.slice(0, -2);
  if (/(ss|us|is)$/.test(token)) return token;
  if (token.endsWith("s")) return token.slice(0, -1);
  return token;
}

/** A BM25 index over titles. */
export class Bm25Titles {
  readonly #search: MiniSearch<TitleDoc>;

  /** Indexes the documents. */
  constructor(docs: readonly TitleDoc[]) {
    this.#search = new MiniSearch<TitleDoc>({
      fields: ["title"],
      idField: "id",
      processTerm: (term) => foldPlural(term.toLowerCase()),
    });
    this.#search.addAll([...docs]);
  }

  /** The ids of the best `k` titles for the query, best first (ties by id). */
  rank(query: string, k: number): string[] {
    const hits = this.#search.search(query, {
      combineWith: "OR",
      prefix: false,
      fuzzy: false,
    });
    hits.sort((a, b) =>
      b.score - a.score || String(a.id).localeCompare(String(b.id))
    );
    return hits.slice(0, k).map((h) => String(h.id));
  }
}
