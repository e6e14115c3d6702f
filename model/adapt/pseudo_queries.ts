/**
 * Keyword pseudo-queries drawn from a catalogue's own titles (MAKE's Keyword
 * Enhancement without query logs): a title's keywords are its words that are neither too
 * rare (in one title only: product names, article numbers) nor too common (in more than
 * a fraction of titles), and not numbers or sizes. A pseudo-query is 1–3 of them in title
 * order. The same keywords give the false-negative rule: another product whose title
 * holds every keyword of a query is not a negative for it.
 * @module
 */

import { normaliseText } from "../../encode/mod.ts";
import { foldPlural } from "../../tokens.ts";

/** Words of a normalised title, plural-folded ("Chairs" → "chair"). */
export function titleWords(title: string): string[] {
  return normaliseText(title).split(" ").filter((w) => w !== "").map(
    foldPlural,
  );
}

/** Options of {@linkcode catalogKeywords}. */
export interface KeywordOptions {
  /** A keyword is in at least this many titles. @default 2 */
  readonly minTitles?: number;
  /** And in at most this fraction of titles. @default 0.2 */
  readonly maxFraction?: number;
}

/** The catalogue's keywords: words in enough titles but not in too many. */
export function catalogKeywords(
  titles: readonly string[],
  options: KeywordOptions = {},
): Set<string> {
  const minTitles = options.minTitles ?? 2;
  const maxTitles = Math.max(
    minTitles,
    Math.floor(titles.length * (options.maxFraction ?? 0.2)),
  );
  const df = new Map<string, number>();
  for (const title of titles) {
    for (const w of new Set(titleWords(title))) df.set(w, (df.get(w) ?? 0) + 1);
  }
  const out = new Set<string>();
  for (const [w, n] of df) {
    if (n >= minTitles && n <= maxTitles && /\p{L}{2,}/u.test(w)) out.add(w);
  }
  return out;
}

/** One training example: a pseudo-query and the title the product is encoded with. */
export interface PseudoQuery {
  /** Query text: 1–3 keywords of the title, in title order. */
  readonly query: string;
  /** The query's words. */
  readonly words: readonly string[];
  /** The title, or with probability `dropTitleWords` the title without one of the query's words. */
  readonly title: string;
  /** The query word removed from `title`, if one was. */
  readonly dropped?: string;
}

/**
 * A pseudo-query for a title with at least one keyword, or null. With probability
 * `dropTitleWords` one of the query's words is removed from the title the product is
 * encoded with, so that training sees products whose image alone carries part of what
 * is searched for (as when a title leaves out the colour but names the type).
 */
export function samplePseudoQuery(
  title: string,
  keywords: ReadonlySet<string>,
  rng: () => number,
  dropTitleWords: number,
): PseudoQuery | null {
  const words = titleWords(title);
  const candidates = [...new Set(words.filter((w) => keywords.has(w)))];
  if (candidates.length === 0) return null;
  const want = Math.min(candidates.length, 1 + Math.floor(rng() * 3));
  const chosen = new Set<string>();
  while (chosen.size < want) {
    chosen.add(candidates[Math.floor(rng() * candidates.length)] ?? "");
  }
  const picked = candidates.filter((w) => chosen.has(w));
  if (rng() >= dropTitleWords) {
    return { query: picked.join(" "), words: picked, title };
  }
  const dropped = picked[Math.floor(rng() * picked.length)] ?? "";
  return {
    query: picked.join(" "),
    words: picked,
    title: words.filter((w) => w !== dropped).join(" "),
    dropped,
  };
}
