/**
 * Colour words of real catalogues, as a shopper would type them: normalises a
 * catalogue colour value ("White,backaryd white", "Nolhaga dark grey",
 * "Silver-colour") to its first colour phrase ("white", "dark grey", "silver"),
 * matches a query colour against a product colour, and removes a product's colour
 * from its title.
 */

/** Colour words recognised in catalogue colour values (materials are not colours). */
export const COLOUR_WORDS: ReadonlySet<string> = new Set([
  "white",
  "black",
  "grey",
  "gray",
  "brown",
  "beige",
  "cream",
  "green",
  "blue",
  "turquoise",
  "yellow",
  "orange",
  "red",
  "pink",
  "lilac",
  "purple",
  "silver",
  "gold",
  "copper",
  "brass",
  "anthracite",
  "terracotta",
  "multicolour",
  "transparent",
]);

/** Words that qualify a colour and stay with it ("dark grey", "off-white"). */
const MODIFIERS: ReadonlySet<string> = new Set([
  "light",
  "dark",
  "medium",
  "bright",
  "pale",
  "off",
]);

const canonical = (w: string) => (w === "gray" ? "grey" : w);

/** The colour part of one word: "silver-colour" → "silver", "off-white" → "off-white". */
function colourOfWord(word: string): string | null {
  const pieces = word.split("-").filter((p) => p !== "");
  if (!pieces.some((p) => COLOUR_WORDS.has(p))) return null;
  const kept = pieces.filter((p) => COLOUR_WORDS.has(p) || MODIFIERS.has(p));
  while (kept.length > 0 && MODIFIERS.has(kept[kept.length - 1] ?? "")) {
    kept.pop(); // "grey-light" keeps no trailing modifier
  }
  return kept.map(canonical).join("-");
}

/**
 * The first colour phrase of a catalogue colour value, lower-cased: comma-separated
 * parts are read in order and the first word holding a colour word wins, with a
 * modifier word just before it. Null when no part names a colour ("Stainless steel",
 * "Assorted colours").
 */
export function normaliseColour(value: string): string | null {
  for (const part of value.toLowerCase().split(",")) {
    const words = part.split(/\s+/).filter((w) => w !== "");
    for (let i = 0; i < words.length; i++) {
      const colour = colourOfWord(words[i] ?? "");
      if (colour === null) continue;
      const before = words[i - 1];
      return before !== undefined && MODIFIERS.has(before)
        ? `${before} ${colour}`
        : colour;
    }
  }
  return null;
}

/** The words of a colour phrase: "dark grey" → [dark, grey], "black-brown" → [black, brown]. */
export function colourWords(colour: string): string[] {
  return colour.toLowerCase().split(/[\s-]+/).filter((w) => w !== "")
    .map(canonical);
}

/**
 * Whether a product of colour `product` (a normalised phrase) is relevant to a query
 * colour: every word of the query's phrase is a word of the product's, so "grey"
 * matches "dark grey" and "grey-green", while "dark grey" does not match "grey".
 */
export function colourMatches(query: string, product: string): boolean {
  const have = new Set(colourWords(product));
  return colourWords(query).every((w) => have.has(w));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Whether the text names every word of the colour phrase (whole words, any case). */
export function mentionsColour(text: string, colour: string): boolean {
  const words = new Set(
    text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w !== "").map(
      canonical,
    ),
  );
  return colourWords(colour).every((w) => words.has(w));
}

/**
 * The title without its colour: the catalogue colour value is removed where the title
 * lists it as a comma-separated field ("OPPEBY Table, White,backaryd white, 185x90 cm"
 * → "OPPEBY Table, 185x90 cm"), then any remaining whole word of the normalised colour
 * phrase, and the commas and spaces left over are tidied.
 */
export function stripColour(title: string, colourValue: string): string {
  let out = title;
  const field = colourValue.trim();
  if (field !== "") {
    out = out.replace(
      new RegExp(`(^|,)\\s*${escape(field)}\\s*(?=,|$)`, "i"),
      "",
    );
  }
  const colour = normaliseColour(colourValue);
  for (const w of colour === null ? [] : colourWords(colour)) {
    const spellings = w === "grey" ? "gr[ae]y" : escape(w);
    out = out.replace(new RegExp(`\\b${spellings}\\b`, "gi"), "");
  }
  return out
    .replace(/(^|[\s,])-+(?=[\s,]|$)/g, "$1") // "black-brown" minus both words
    .replace(/\s+/g, " ")
    .replace(/\s*,(\s*,)+/g, ",")
    .replace(/\s+,/g, ",")
    .replace(/^[\s,]+|[\s,]+$/g, "")
    .trim();
}
