/**
 * Surface patterns painted over a product's body: given pixel coordinates (relative to
 * the product) they say how much of the secondary colour to use at that pixel.
 */

import { hashSeed } from "./rng.ts";

/** Returns the secondary-colour coverage (0..1) at pixel (x, y). */
export type PatternFn = (x: number, y: number) => number;

function cellRand(seed: number, cx: number, cy: number, k: number): number {
  return hashSeed(seed, cx, cy, k) / 4294967296;
}

function stripes(seed: number, period: number): PatternFn {
  const dir = hashSeed(seed, "dir") % 3;
  return (x, y) => {
    const t = dir === 0 ? y : dir === 1 ? x : x + y;
    return ((t % period) + period) % period < period * 0.4 ? 1 : 0;
  };
}

function dots(period: number, radius: number): PatternFn {
  return (x, y) => {
    const row = Math.floor(y / period);
    const sx = x + (row % 2) * period * 0.5;
    const dx = (((sx % period) + period) % period) - period / 2;
    const dy = (((y % period) + period) % period) - period / 2;
    return dx * dx + dy * dy <= radius * radius ? 1 : 0;
  };
}

function check(period: number): PatternFn {
  return (x, y) => {
    const a = ((x % period) + period) % period < period * 0.45 ? 1 : 0;
    const b = ((y % period) + period) % period < period * 0.45 ? 1 : 0;
    return (a + b) / 2;
  };
}

function spots(seed: number, period: number, ringOnly: boolean): PatternFn {
  return (x, y) => {
    const cx = Math.floor(x / period), cy = Math.floor(y / period);
    const ox = cx * period + period * (0.25 + 0.5 * cellRand(seed, cx, cy, 1));
    const oy = cy * period + period * (0.25 + 0.5 * cellRand(seed, cx, cy, 2));
    const r = period * (0.22 + 0.12 * cellRand(seed, cx, cy, 3));
    const d = Math.hypot((x - ox) * 0.8, y - oy);
    if (!ringOnly) return d <= r ? 1 : 0;
    return d <= r && d >= r * 0.55 ? 1 : 0;
  };
}

function floral(seed: number, period: number): PatternFn {
  const petal = period * 0.13;
  return (x, y) => {
    const cx = Math.floor(x / period), cy = Math.floor(y / period);
    const ox = cx * period + period * (0.3 + 0.4 * cellRand(seed, cx, cy, 1));
    const oy = cy * period + period * (0.3 + 0.4 * cellRand(seed, cx, cy, 2));
    for (let i = 0; i < 5; i++) {
      const a = (i * 2 * Math.PI) / 5;
      const px = ox + Math.cos(a) * petal * 1.3,
        py = oy + Math.sin(a) * petal * 1.3;
      if ((x - px) ** 2 + (y - py) ** 2 <= petal * petal) return 1;
    }
    return 0;
  };
}

/** Builds the pattern function for a pattern id; `scale` is the product size in pixels. */
export function patternFor(
  pattern: string,
  seed: number,
  scale: number,
): PatternFn | null {
  const unit = Math.max(4, scale / 10);
  switch (pattern) {
    case "striped":
      return stripes(
        seed,
        Math.round(unit * (0.8 + 0.6 * cellRand(seed, 0, 0, 9))),
      );
    case "polka dot":
      return dots(unit * 1.2, unit * 0.32);
    case "check":
      return check(Math.round(unit * 1.3));
    case "floral":
      return floral(seed, unit * 1.8);
    case "leopard":
      return spots(seed, unit * 1.2, true);
    default:
      return null;
  }
}
