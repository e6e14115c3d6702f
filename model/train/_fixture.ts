/**
 * A tiny in-code catalogue for trainer tests: four types with distinct silhouettes,
 * four colours, titles that omit the colour a third of the time, and queries whose
 * relevant products are every product satisfying them.
 * @module
 */

import { textFeatures } from "../../encode/mod.ts";
import { createRng } from "../_kernels.ts";
import type { ModelConfig } from "../architecture.ts";
import { FRONTEND_SIZE, imageFrontend } from "../image_frontend.ts";
import type { CatalogProduct, CatalogQuery, ProductSet } from "./data.ts";
import { buildQuerySet } from "./data.ts";
import type { TrainData } from "./trainer.ts";

const TYPES = ["dress", "shoe", "bag", "watch"];
const COLOURS: Record<string, [number, number, number]> = {
  red: [0.85, 0.1, 0.1],
  blue: [0.1, 0.3, 0.85],
  green: [0.1, 0.6, 0.2],
  black: [0.08, 0.08, 0.08],
};

function inside(type: string, x: number, y: number): boolean {
  if (type === "dress") {
    return y > 0.1 && y < 0.9 && Math.abs(x - 0.5) < 0.1 + 0.3 * y;
  }
  if (type === "shoe") return y > 0.55 && y < 0.8 && x > 0.1 && x < 0.9;
  if (type === "bag") return y > 0.3 && y < 0.85 && x > 0.25 && x < 0.75;
  return (x - 0.5) ** 2 + (y - 0.5) ** 2 < 0.06;
}

function render(type: string, colour: string, rng: () => number): Float32Array {
  const rgb = COLOURS[colour] ?? [0, 0, 0];
  const px = new Float32Array(3 * 64 * 64);
  const dx = (rng() - 0.5) * 0.15;
  const dy = (rng() - 0.5) * 0.15;
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 64; x++) {
      const on = inside(type, x / 64 - dx, y / 64 - dy);
      for (let c = 0; c < 3; c++) {
        const v = on ? (rgb[c] ?? 0) : 0.95;
        px[(c * 64 + y) * 64 + x] = (v + (rng() - 0.5) * 0.05 - 0.5) / 0.25;
      }
    }
  }
  return px;
}

function productSet(
  products: CatalogProduct[],
  config: ModelConfig,
  rng: () => number,
): ProductSet {
  const t = config.text.maxTokens;
  const titleIds = new Int32Array(products.length * t);
  const imageFeats = new Float32Array(products.length * FRONTEND_SIZE);
  products.forEach((p, i) => {
    titleIds.set(textFeatures(p.title, config.text), i * t);
    const px = render(p.attrs.type ?? "", p.attrs.colour ?? "", rng);
    imageFeats.set(imageFrontend(px, config.image), i * FRONTEND_SIZE);
  });
  const hasImage = new Float32Array(products.length).fill(1);
  return {
    products,
    index: new Map(products.map((p, i) => [p.id, i])),
    titleIds,
    featureSize: FRONTEND_SIZE,
    imageFeats,
    hasImage,
  };
}

function queriesFor(products: CatalogProduct[]): CatalogQuery[] {
  const out: CatalogQuery[] = [];
  const add = (query: string, pred: (p: CatalogProduct) => boolean) =>
    out.push({
      qid: `q${out.length}`,
      query,
      relevant: products.filter(pred).map((p) => p.id),
    });
  for (const type of TYPES) {
    add(type, (p) => p.attrs.type === type);
    for (const colour of Object.keys(COLOURS)) {
      add(
        `${colour} ${type}`,
        (p) => p.attrs.type === type && p.attrs.colour === colour,
      );
      add(`${colour}`, (p) => p.attrs.colour === colour);
    }
  }
  return out.filter((q) => q.relevant.length > 0);
}

/** Train and validation data of a tiny catalogue, reproducible from `seed`. */
export function tinyTrainData(config: ModelConfig, seed: number): TrainData {
  const rng = createRng(seed);
  const make = (prefix: string, count: number): CatalogProduct[] =>
    Array.from({ length: count }, (_, i) => {
      const type = TYPES[i % TYPES.length] ?? "bag";
      const colour = Object.keys(COLOURS)[Math.floor(rng() * 4)] ?? "red";
      const brand = `brand${Math.floor(rng() * 5)}`;
      const title = rng() < 0.35
        ? `${brand} new ${type} best quality`
        : `${brand} ${colour} ${type} best quality`;
      return { id: `${prefix}${i}`, title, attrs: { type, colour, brand } };
    });
  const trainProducts = make("t", 96);
  const valProducts = make("v", 48);
  const train = productSet(trainProducts, config, rng);
  const val = productSet(valProducts, config, rng);
  return {
    train,
    trainQueries: buildQuerySet(queriesFor(trainProducts), train, config.text),
    val,
    valQueries: buildQuerySet(queriesFor(valProducts), val, config.text),
  };
}
