/**
 * The one text normaliser of the lexical channel: the index tokenises product titles and
 * attribute values with it, and the serve stage matches query keywords with the same
 * plural folding, so every side agrees on what a word is.
 * @module
 */

/**
 * Tokens of `text` for lexical matching: NFKC, accents removed, lower-cased, split on
 * anything that is not a letter or digit, simple English plurals folded ("dresses" →
 * "dress", "watches" → "watch", "berries" → "berry"). Order and repeats are kept.
 */
export function lexicalTokens(text: string): string[] {
  const parts = ASCII.test(text)
    ? text.toLowerCase().split(/[^a-z0-9]+/)
    : text.normalize("NFKC").normalize("NFKD").replace(/\p{M}+/gu, "")
      .toLowerCase().split(/[^\p{L}\p{N}]+/u);
  const out: string[] = [];
  for (const part of parts) if (part) out.push(foldPlural(part));
  return out;
}

/**
 * The comparable form of an attribute value in a filter or a record: NFKC, lower-cased,
 * trimmed, inner whitespace collapsed ("Velocity  Pro" equals "velocity pro").
 */
export function filterValueKey(value: unknown): string {
  const s = String(value);
  return (ASCII.test(s) ? s : s.normalize("NFKC")).toLowerCase().trim()
    .replace(/\s+/g, " ");
}

// deno-lint-ignore no-control-regex -- the whole ASCII range is the point
const ASCII = /^[\x00-\x7f]*$/;

/** English plural folding ("dresses" → "dress"), applied the same way everywhere. */
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
