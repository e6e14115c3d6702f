/**
 * Renders a product image as an RGBA bitmap: background, the type's silhouette in the
 * product's colour and pattern, shading, outline, shadow and noise. Also renders the
 * uninformative images (a cardboard box, a text card). Pure and deterministic.
 */

import { patternFor } from "./patterns.ts";
import { PART, type Prim, rasterise, rect } from "./raster.ts";
import { Rng } from "./rng.ts";
import { GOODS_SHAPES } from "./shapes_goods.ts";
import { WEAR_SHAPES } from "./shapes_wear.ts";

/** What to draw for one product image. */
export interface ImagePlan {
  /** "product": the silhouette; "box" and "card": uninformative images. */
  readonly kind: "product" | "box" | "card";
  /** Product type id (the silhouette drawn). */
  readonly typeId: string;
  /** Body colour. */
  readonly rgb: readonly [number, number, number];
  /** Pattern id painted on the body. */
  readonly pattern: string;
  /** Seed of this image's own random stream. */
  readonly seed: number;
}

/** An RGBA image. */
export interface Bitmap {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** RGBA bytes, row-major. */
  readonly data: Uint8ClampedArray;
}

type Rgb = readonly [number, number, number];

const SHAPES: Readonly<Record<string, readonly Prim[]>> = {
  ...WEAR_SHAPES,
  ...GOODS_SHAPES,
};

/** Product type ids that have a silhouette. */
export const SHAPE_IDS: readonly string[] = Object.keys(SHAPES);

const BACKGROUNDS: readonly Rgb[] = [
  [255, 255, 255],
  [245, 245, 240],
  [235, 235, 235],
  [250, 240, 228],
  [226, 232, 240],
  [214, 214, 210],
  [180, 186, 190],
  [60, 62, 66],
  [30, 30, 34],
  [238, 226, 210],
  [220, 235, 225],
];

const dist = (a: Rgb, b: Rgb): number =>
  Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

function pickBackground(rng: Rng, fg: Rgb): [Rgb, Rgb] {
  let bg = rng.pick(BACKGROUNDS);
  for (let i = 0; i < 8 && dist(bg, fg) < 110; i++) bg = rng.pick(BACKGROUNDS);
  if (dist(bg, fg) < 110) {
    bg = (fg[0] + fg[1] + fg[2]) / 3 > 128 ? [40, 40, 44] : [250, 250, 250];
  }
  const shade = rng.range(-24, 24);
  const bg2: Rgb = [bg[0] + shade, bg[1] + shade, bg[2] + shade];
  return [bg, rng.chance(0.4) ? bg2 : bg];
}

function fillBackground(
  out: Uint8ClampedArray,
  size: number,
  rng: Rng,
  fg: Rgb,
): void {
  const [top, bottom] = pickBackground(rng, fg);
  const floor = rng.chance(0.3)
    ? rng.int(Math.floor(size * 0.6), size - 8)
    : size;
  for (let y = 0; y < size; y++) {
    const t = y >= floor ? 1 : y / size;
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      for (let ch = 0; ch < 3; ch++) {
        out[i + ch] = (top[ch] ?? 0) * (1 - t) + (bottom[ch] ?? 0) * t;
      }
      out[i + 3] = 255;
    }
  }
}

function contrastColour(rng: Rng, base: Rgb): Rgb {
  const lum = (base[0] + base[1] + base[2]) / 3;
  if (rng.chance(0.6)) return lum > 150 ? [25, 25, 30] : [245, 245, 245];
  return [255 - base[0], 255 - base[2], 255 - base[1]];
}

function partColour(part: number, base: Rgb): Rgb {
  switch (part) {
    case PART.s: {
      const lum = (base[0] + base[1] + base[2]) / 3;
      return lum < 60
        ? [base[0] + 45, base[1] + 45, base[2] + 45]
        : [base[0] * 0.72, base[1] * 0.72, base[2] * 0.72];
    }
    case PART.d:
      return [34, 34, 38];
    case PART.l:
      return [240, 240, 236];
    case PART.m:
      return [172, 174, 180];
    case PART.g:
      return [28, 38, 58];
    default:
      return base;
  }
}

interface PaintOptions {
  readonly labels: Uint8Array;
  readonly size: number;
  readonly base: Rgb;
  readonly second: Rgb;
  readonly pattern: ((x: number, y: number) => number) | null;
  readonly origin: readonly [number, number];
}

function paintProduct(out: Uint8ClampedArray, o: PaintOptions): void {
  const { labels, size } = o;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const p = y * size + x;
      const part = labels[p] ?? 0;
      if (part === PART.bg) {
        const sp = (y - 3) * size + (x - 3);
        if (y >= 3 && x >= 3 && (labels[sp] ?? 0) !== PART.bg) {
          for (let ch = 0; ch < 3; ch++) {
            out[p * 4 + ch] = (out[p * 4 + ch] ?? 0) * 0.8;
          }
        }
        continue;
      }
      let col = partColour(part, o.base);
      if (part === PART.b && o.pattern) {
        const k = o.pattern(x - o.origin[0], y - o.origin[1]);
        if (k > 0) {
          col = [
            col[0] * (1 - k) + o.second[0] * k,
            col[1] * (1 - k) + o.second[1] * k,
            col[2] * (1 - k) + o.second[2] * k,
          ];
        }
      }
      const edge = x === 0 || y === 0 || x === size - 1 || y === size - 1 ||
        labels[p - 1] !== part || labels[p + 1] !== part ||
        labels[p - size] !== part || labels[p + size] !== part;
      const light = (edge ? 0.7 : 1) * (1.08 - (0.16 * (x + y)) / (2 * size));
      for (let ch = 0; ch < 3; ch++) out[p * 4 + ch] = (col[ch] ?? 0) * light;
    }
  }
}

function addNoise(out: Uint8ClampedArray, rng: Rng, amplitude: number): void {
  if (amplitude <= 0) return;
  for (let i = 0; i < out.length; i += 4) {
    const n = (rng.next() - 0.5) * 2 * amplitude;
    out[i] = (out[i] ?? 0) + n,
      out[i + 1] = (out[i + 1] ?? 0) + n,
      out[i + 2] = (out[i + 2] ?? 0) + n;
  }
}

function uninformative(
  kind: "box" | "card",
  rng: Rng,
): { prims: Prim[]; colour: Rgb } {
  if (kind === "box") {
    return {
      colour: [196, 150, 100],
      prims: [
        rect(0.15, 0.25, 0.85, 0.85),
        rect(0.15, 0.25, 0.85, 0.35, "s"),
        rect(0.46, 0.25, 0.54, 0.85, "l"),
        rect(0.6, 0.6, 0.8, 0.75, "l"),
      ],
    };
  }
  const lines = Array.from(
    { length: rng.int(3, 6) },
    (_, i) =>
      rect(0.18, 0.3 + i * 0.1, rng.range(0.5, 0.82), 0.34 + i * 0.1, "d"),
  );
  return {
    colour: [250, 250, 250],
    prims: [
      rect(0.1, 0.1, 0.9, 0.9, "b", 0.03),
      rect(0.18, 0.16, 0.5, 0.24, "m"),
      ...lines,
    ],
  };
}

/** Renders the plan as a size × size RGBA bitmap. */
export function renderImage(plan: ImagePlan, size = 128): Bitmap {
  const rng = new Rng(plan.seed, "image");
  const out = new Uint8ClampedArray(size * size * 4);
  const shape = plan.kind === "product"
    ? { prims: SHAPES[plan.typeId], colour: plan.rgb }
    : uninformative(plan.kind, rng);
  if (!shape.prims) {
    throw new RangeError(
      `Cannot render product type "${plan.typeId}": no silhouette`,
    );
  }
  fillBackground(out, size, rng, shape.colour);
  const scale = size * rng.range(0.62, 0.98);
  const left = rng.range(-0.04 * scale, size - scale * 0.96);
  const top = rng.range(-0.04 * scale, size - scale * 0.96);
  const labels = rasterise(
    shape.prims,
    {
      size: scale,
      left,
      top,
      flip: plan.kind === "product" && rng.chance(0.5),
    },
    size,
    size,
  );
  const pattern = plan.kind === "product"
    ? patternFor(plan.pattern, plan.seed, scale)
    : null;
  paintProduct(out, {
    labels,
    size,
    base: shape.colour,
    second: contrastColour(rng, shape.colour),
    pattern,
    origin: [left, top],
  });
  addNoise(out, rng, rng.chance(0.3) ? 0 : rng.range(2, 14));
  return { width: size, height: size, data: out };
}
