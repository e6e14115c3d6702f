/**
 * What Modal Adaptation learned: the mean image weight of the products, overall and by
 * facts the catalogue knows but events do not (image kind, colour only in the image,
 * category), read from products-meta.jsonl.
 */

/** Catalogue facts about one product (a products-meta.jsonl line). */
export interface ProductMeta {
  /** "product", "box", "card" or "none". */
  readonly imageKind?: string;
  /** Whether the title names the colour. */
  readonly colourInTitle?: boolean;
  /** Product category. */
  readonly category?: string;
}

/** The Modal Adaptation weight this summary reads. */
export interface ImageWeight {
  /** Image weight in [0, 1]; 0 when the product had no usable image. */
  readonly image: number;
}

/** Mean image weight of one group of products. */
export interface WeightGroup {
  /** Products in the group. */
  readonly products: number;
  /** Mean Modal Adaptation image weight (title weight = 1 − this). */
  readonly meanImageWeight: number;
}

/** Parses products-meta.jsonl text into a map by product id. */
export function parseMeta(text: string): Map<string, ProductMeta> {
  const out = new Map<string, ProductMeta>();
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const r = JSON.parse(line) as Record<string, unknown>;
    if (typeof r.id !== "string") {
      throw new SyntaxError(
        `Cannot read product meta: no id in ${line.slice(0, 80)}`,
      );
    }
    out.set(r.id, {
      imageKind: typeof r.imageKind === "string" ? r.imageKind : undefined,
      colourInTitle: typeof r.colourInTitle === "boolean"
        ? r.colourInTitle
        : undefined,
      category: typeof r.category === "string" ? r.category : undefined,
    });
  }
  return out;
}

function groupsOf(
  meta: ProductMeta | undefined,
  weights: ImageWeight,
): string[] {
  const groups = [
    weights.image > 0 ? "with a usable image" : "without a usable image",
  ];
  if (!meta) return groups;
  if (meta.imageKind !== undefined) groups.push(`image: ${meta.imageKind}`);
  if (meta.colourInTitle === false) groups.push("colour only in image");
  if (meta.colourInTitle === true && meta.imageKind === "product") {
    groups.push("colour in title and image");
  }
  if (meta.category !== undefined) groups.push(`category: ${meta.category}`);
  return groups;
}

/** Mean image weight per group; groups sorted by name. */
export function summariseWeights(
  ids: readonly string[],
  weights: readonly ImageWeight[],
  meta: ReadonlyMap<string, ProductMeta>,
): Record<string, WeightGroup> {
  const sums = new Map<string, [number, number]>();
  ids.forEach((id, i) => {
    const w = weights[i];
    if (!w) return;
    for (const g of groupsOf(meta.get(id), w)) {
      const [n, s] = sums.get(g) ?? [0, 0];
      sums.set(g, [n + 1, s + w.image]);
    }
  });
  return Object.fromEntries(
    [...sums.keys()].sort().map((g) => {
      const [n, s] = sums.get(g) ?? [0, 0];
      return [g, { products: n, meanImageWeight: s / n }];
    }),
  );
}
