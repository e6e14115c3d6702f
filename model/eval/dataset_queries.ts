/**
 * Queries derived from a real-photo dataset's attributes: IKEA type and type + colour
 * queries, grocery class and coarse-class queries, and grocery image→image queries.
 */

import { colourMatches, mentionsColour, normaliseColour } from "./colour.ts";
import type { DatasetProduct, EvalQuery, ImageQuery } from "./data.ts";

/** Query text of a catalogue value: lower case, commas and dashes as spaces. */
export function queryText(value: string): string {
  return value.toLowerCase().replace(/[,\-_]+/g, " ").replace(/\s+/g, " ")
    .trim();
}

/** Merges queries with the same text (union of relevant ids, first tag kept). */
function collect(): {
  add(query: string, relevant: Iterable<string>, tag: string): void;
  list(): EvalQuery[];
} {
  const byText = new Map<string, { ids: Set<string>; tag: string }>();
  return {
    add(query, relevant, tag) {
      const q = byText.get(query) ?? { ids: new Set<string>(), tag };
      for (const id of relevant) q.ids.add(id);
      byText.set(query, q);
    },
    list: () =>
      [...byText.entries()].map(([query, q], i) => ({
        qid: `q${i + 1}`,
        query,
        relevant: [...q.ids],
        imageOnly: [],
        tags: [q.tag],
      })),
  };
}

function groupBy<T>(items: readonly T[], key: (x: T) => string): Map<
  string,
  T[]
> {
  const out = new Map<string, T[]>();
  for (const x of items) out.set(key(x), [...(out.get(key(x)) ?? []), x]);
  return out;
}

/**
 * IKEA queries over the given products: the type alone ("chair") for every type with
 * at least two products, and type + colour ("white chair") for each colour phrase of
 * such a type that singles out some but not all of its products. Relevant: same type
 * (and a matching colour, see colourMatches). imageOnly: the relevant products whose
 * indexed title does not name the query's colour; candidates: the type's products.
 */
export function ikeaQueries(products: readonly DatasetProduct[]): EvalQuery[] {
  const out = collect();
  const asked = new Map<string, { colour: string; candidates: Set<string> }>();
  const colourOf = new Map(
    products.map((p) => [p.id, normaliseColour(p.attrs.colour ?? "")]),
  );
  const types = [...groupBy(products, (p) => p.attrs.type ?? "")].filter((
    [type, ps],
  ) => type !== "" && ps.length >= 2);
  for (const [type, ps] of types) {
    out.add(queryText(type), ps.map((p) => p.id), "type");
    const colours = new Set(ps.map((p) => colourOf.get(p.id) ?? ""));
    for (const colour of [...colours].sort()) {
      if (colour === "") continue;
      const rel = ps.filter((p) => {
        const c = colourOf.get(p.id);
        return c != null && colourMatches(colour, c);
      });
      if (rel.length === ps.length) continue; // colour does not narrow the type
      const text = `${colour} ${queryText(type)}`;
      const q = asked.get(text) ?? { colour, candidates: new Set<string>() };
      for (const p of ps) q.candidates.add(p.id);
      asked.set(text, q);
      out.add(text, rel.map((p) => p.id), "type+colour");
    }
  }
  const titles = new Map(products.map((p) => [p.id, p.title]));
  return out.list().map((q) => {
    const a = asked.get(q.query);
    if (a === undefined) return q;
    return {
      ...q,
      imageOnly: q.relevant.filter((id) =>
        !mentionsColour(titles.get(id) ?? "", a.colour)
      ),
      candidates: [...a.candidates],
    };
  });
}

/**
 * Grocery queries over the given products: every fine class name ("golden delicious";
 * relevant: that class) and every coarse class name ("apple"; relevant: the coarse
 * class). A name that is both gets the union.
 */
export function groceryQueries(
  products: readonly DatasetProduct[],
): EvalQuery[] {
  const out = collect();
  for (const [cls, ps] of groupBy(products, (p) => p.attrs.class ?? "")) {
    out.add(queryText(cls), ps.map((p) => p.id), "class");
  }
  for (
    const [coarse, ps] of groupBy(products, (p) => p.attrs.coarse_class ?? "")
  ) {
    out.add(queryText(coarse), ps.map((p) => p.id), "coarse class");
  }
  return out.list();
}

/**
 * Grocery image→image queries: each in-store photo (an id not ending in "-iconic")
 * should find its class's iconic image, and the other photos of its class.
 */
export function groceryImageQueries(
  products: readonly DatasetProduct[],
): ImageQuery[] {
  const out: ImageQuery[] = [];
  for (const ps of groupBy(products, (p) => p.attrs.class ?? "").values()) {
    const iconic = ps.filter((p) => p.id.endsWith("-iconic")).map((p) => p.id);
    for (const p of ps.filter((x) => !x.id.endsWith("-iconic"))) {
      const others = ps.filter((x) => x.id !== p.id).map((x) => x.id);
      if (iconic.length > 0) {
        out.push({
          qid: `i${out.length + 1}`,
          id: p.id,
          relevant: iconic,
          tag: "in-store → iconic",
        });
      }
      if (others.length > 0) {
        out.push({
          qid: `i${out.length + 1}`,
          id: p.id,
          relevant: others,
          tag: "in-store → same class",
        });
      }
    }
  }
  return out;
}
