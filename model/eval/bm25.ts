/**
 * BM25 baseline on product titles with MiniSearch (OR of query terms, no prefix or
 * fuzzy matching), lower-casing and the same light English plural folding on both sides
 * so that "dresses" matches "dress".
 */

import MiniSearch from "minisearch";
import { foldPlural } from "../../tokens.ts";

/** A product as the baseline sees it. */
export interface TitleDoc {
  /** Product id. */
  readonly id: string;
  /** Product title. */
  readonly title: string;
}

/** Folds simple English plurals: the same rule as the service's lexical channel. */
export { foldPlural };

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
