/**
 * Tiny made-up real-photo datasets for tests (never real photos): an IKEA-like and a
 * grocery-like products.jsonl with solid-colour JPEGs, in the layout of
 * /work/shared/datasets (image paths relative to the dataset folder).
 */

import { join } from "node:path";
import { encodeBitmap } from "../catalog/mod.ts";

type Rgb = readonly [number, number, number];

/** A made-up product: id, title, attributes, image colour. */
interface TinyProduct {
  readonly id: string;
  readonly title: string;
  readonly attrs: Record<string, string>;
  readonly rgb: Rgb;
}

const WHITE: Rgb = [245, 245, 245];
const BLACK: Rgb = [20, 20, 20];
const GREY: Rgb = [128, 128, 128];
const DARK: Rgb = [70, 70, 70];
const RED: Rgb = [200, 30, 30];
const STEEL: Rgb = [180, 185, 190];

function ikea(
  id: string,
  name: string,
  type: string,
  colour: string,
  rgb: Rgb,
): TinyProduct {
  const title = [`${name} ${type}`, colour, "40 cm"].filter((x) => x !== "")
    .join(", ");
  const attrs: Record<string, string> = { type, size: "40 cm" };
  if (colour !== "") attrs.colour = colour;
  return { id, title, attrs, rgb };
}

/** The IKEA-like products: chairs, tables, rugs and a lamp in a few colours. */
export const TINY_IKEA: readonly TinyProduct[] = [
  ikea("c1", "ALFA", "Chair", "White", WHITE),
  ikea("c2", "BETA", "Chair", "White,backaryd white", WHITE),
  ikea("c3", "GAMMA", "Chair", "Black", BLACK),
  ikea("c4", "DELTA", "Chair", "Grey", GREY),
  ikea("t1", "EPSILON", "Table", "White", WHITE),
  ikea("t2", "ZETA", "Table", "Nolhaga dark grey", DARK),
  ikea("t3", "ETA", "Table", "Stainless steel", STEEL),
  ikea("r1", "THETA", "Rug, flatwoven", "White", WHITE),
  ikea("r2", "IOTA", "Rug, flatwoven", "Off-white", WHITE),
  ikea("l1", "KAPPA", "Lamp", "Red", RED),
];

function grocery(cls: string, coarse: string, rgb: Rgb): TinyProduct[] {
  const name = cls.replaceAll("-", " ");
  const attrs = { class: cls, coarse_class: coarse };
  return [
    { id: `g-${cls}-iconic`, title: `${name} Class 1`, attrs, rgb },
    { id: `g-${cls}-001`, title: name, attrs, rgb },
    { id: `g-${cls}-002`, title: name, attrs, rgb },
  ];
}

/** The grocery-like products: three classes, two of one coarse class. */
export const TINY_GROCERY: readonly TinyProduct[] = [
  ...grocery("Golden-Delicious", "Apple", [230, 200, 60]),
  ...grocery("Granny-Smith", "Apple", [120, 200, 60]),
  ...grocery("Lemon", "Lemon", [250, 240, 40]),
];

async function jpeg(rgb: Rgb, seed: number): Promise<Uint8Array> {
  const size = 24;
  const data = new Uint8ClampedArray(size * size * 4);
  for (let i = 0; i < size * size; i++) {
    const shade = ((i * 7 + seed * 13) % 17) - 8; // a little texture per image
    data.set([rgb[0] + shade, rgb[1] + shade, rgb[2] + shade, 255], i * 4);
  }
  return await encodeBitmap({ width: size, height: size, data }, "jpeg");
}

/** Writes a tiny dataset folder (products.jsonl, images/) and returns its products. */
export async function writeTinyDataset(
  dir: string,
  kind: "ikea" | "grocery",
): Promise<readonly TinyProduct[]> {
  const products = kind === "ikea" ? TINY_IKEA : TINY_GROCERY;
  await Deno.mkdir(join(dir, "images"), { recursive: true });
  const lines: string[] = [];
  for (const [i, p] of products.entries()) {
    const path = `images/${p.id}.jpg`;
    await Deno.writeFile(join(dir, path), await jpeg(p.rgb, i));
    lines.push(JSON.stringify({
      op: "upsert",
      id: p.id,
      title: p.title,
      image: { path },
      attrs: p.attrs,
    }));
  }
  await Deno.writeTextFile(
    join(dir, "products.jsonl"),
    lines.join("\n") + "\n",
  );
  return products;
}

/** The products.jsonl text of a tiny dataset (no images), for pure tests. */
export function tinyDatasetText(kind: "ikea" | "grocery"): string {
  const products = kind === "ikea" ? TINY_IKEA : TINY_GROCERY;
  return products.map((p) =>
    JSON.stringify({
      op: "upsert",
      id: p.id,
      title: p.title,
      image: { path: `images/${p.id}.jpg` },
      attrs: p.attrs,
    })
  ).join("\n") + "\n";
}
