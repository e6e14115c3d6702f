/**
 * Reads evaluation inputs: products.jsonl (upsert events as in docs/EVENTS.md),
 * queries.jsonl ({"qid","query","relevant":[ids],"imageOnly"?:[ids],"tags"?:[…],
 * "candidates"?:[ids]}) and splits.json.
 */

/** A product to evaluate on. */
export interface EvalProduct {
  /** Product id. */
  readonly id: string;
  /** Product title. */
  readonly title: string;
  /** The event's image reference, if any. */
  readonly image: { readonly url: string } | { readonly path: string } | {
    readonly base64: string;
  } | null;
}

/** A dataset product: an evaluation product plus its catalogue attributes. */
export interface DatasetProduct extends EvalProduct {
  /** Attribute values by name (never shown to the systems evaluated). */
  readonly attrs: Readonly<Record<string, string>>;
}

/** A query by example: the image of product `id` searched against the other images. */
export interface ImageQuery {
  /** Query id. */
  readonly qid: string;
  /** The product whose image is the query (it is left out of its own ranking). */
  readonly id: string;
  /** Relevant product ids. */
  readonly relevant: readonly string[];
  /** What is measured ("finds its iconic image", "finds its class"). */
  readonly tag: string;
}

/** A query with its relevant products. */
export interface EvalQuery {
  /** Query id. */
  readonly qid: string;
  /** Query text. */
  readonly query: string;
  /** Every relevant product id. */
  readonly relevant: readonly string[];
  /** Relevant products whose colour is only in the image (may be empty). */
  readonly imageOnly: readonly string[];
  /** Query kinds for grouped results ("brand", "held-out word", …; may be empty). */
  readonly tags: readonly string[];
  /**
   * The products the imageOnly ones must be told apart from (e.g. every product of the
   * query's type); when given, the query also counts in "colour in image only, same type".
   */
  readonly candidates?: readonly string[];
}

function parseLines(text: string, file: string): unknown[] {
  return text.split("\n").flatMap((line, i) => {
    if (line.trim() === "") return [];
    try {
      return [JSON.parse(line)];
    } catch (err: unknown) {
      throw new SyntaxError(
        `Cannot parse "${file}" line ${i + 1}: ${(err as Error).message}`,
        { cause: err },
      );
    }
  });
}

const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === "string");

function toImage(v: unknown): EvalProduct["image"] {
  if (typeof v !== "object" || v === null) return null;
  const r = v as Record<string, unknown>;
  if (typeof r.path === "string") return { path: r.path };
  if (typeof r.url === "string") return { url: r.url };
  if (typeof r.base64 === "string") return { base64: r.base64 };
  return null;
}

/** Parses products.jsonl text; delete events are ignored, later upserts replace earlier ones. */
export function parseProducts(
  text: string,
  file = "products.jsonl",
): EvalProduct[] {
  const byId = new Map<string, EvalProduct>();
  parseLines(text, file).forEach((row, i) => {
    const r = row as Record<string, unknown>;
    if (r?.op === "delete" && typeof r.id === "string") {
      return void byId.delete(r.id);
    }
    if (
      r?.op !== "upsert" || typeof r.id !== "string" ||
      typeof r.title !== "string"
    ) {
      throw new SyntaxError(
        `Cannot read product ${
          i + 1
        } of "${file}": expected an upsert event with id and title`,
      );
    }
    byId.set(r.id, { id: r.id, title: r.title, image: toImage(r.image) });
  });
  return [...byId.values()];
}

/** Parses queries.jsonl text. */
export function parseQueries(
  text: string,
  file = "queries.jsonl",
): EvalQuery[] {
  return parseLines(text, file).map((row, i) => {
    const r = row as Record<string, unknown>;
    if (typeof r?.query !== "string" || !isStringArray(r.relevant)) {
      throw new SyntaxError(
        `Cannot read query ${
          i + 1
        } of "${file}": expected {"qid","query","relevant":[ids]}`,
      );
    }
    return {
      qid: typeof r.qid === "string" ? r.qid : String(i + 1),
      query: r.query,
      relevant: r.relevant,
      imageOnly: isStringArray(r.imageOnly) ? r.imageOnly : [],
      tags: isStringArray(r.tags) ? r.tags : [],
      ...(isStringArray(r.candidates) ? { candidates: r.candidates } : {}),
    };
  });
}

/** Parses splits.json and returns the ids of one split. */
export function parseSplit(
  text: string,
  split: string,
  file = "splits.json",
): string[] {
  const splits = JSON.parse(text) as Record<string, unknown>;
  const ids = splits?.[split];
  if (!isStringArray(ids)) {
    throw new RangeError(
      `Cannot read split "${split}" from "${file}": not a list of ids`,
    );
  }
  return ids;
}
