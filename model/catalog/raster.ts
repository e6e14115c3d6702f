/**
 * Rasterises silhouettes made of simple primitives (unit-square coordinates) into a
 * label buffer: each pixel gets the part code of the last primitive covering it.
 */

/** Part codes: 0 background, then body, body shade, dark, light, metal, glass. */
export const PART = { bg: 0, b: 1, s: 2, d: 3, l: 4, m: 5, g: 6 } as const;

/** Part name used in shape definitions; "x" cuts back to background. */
export type PartName = "b" | "s" | "d" | "l" | "m" | "g" | "x";

/** A drawing primitive in unit coordinates (0..1, y down). */
export type Prim =
  | {
    readonly k: "rect";
    readonly p: PartName;
    readonly x0: number;
    readonly y0: number;
    readonly x1: number;
    readonly y1: number;
    readonly r: number;
  }
  | {
    readonly k: "ell";
    readonly p: PartName;
    readonly cx: number;
    readonly cy: number;
    readonly rx: number;
    readonly ry: number;
    readonly hole: number;
  }
  | {
    readonly k: "poly";
    readonly p: PartName;
    readonly pts: readonly number[];
  }
  | {
    readonly k: "line";
    readonly p: PartName;
    readonly x0: number;
    readonly y0: number;
    readonly x1: number;
    readonly y1: number;
    readonly w: number;
  };

/** Rectangle, optionally with rounded corners of radius r. */
export const rect = (
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  p: PartName = "b",
  r = 0,
): Prim => ({ k: "rect", p, x0, y0, x1, y1, r });
/** Ellipse. */
export const ell = (
  cx: number,
  cy: number,
  rx: number,
  ry: number,
  p: PartName = "b",
): Prim => ({ k: "ell", p, cx, cy, rx, ry, hole: 0 });
/** Elliptic ring; `t` is the thickness as a fraction of the radii. */
export const ring = (
  cx: number,
  cy: number,
  rx: number,
  ry: number,
  t: number,
  p: PartName = "b",
): Prim => ({ k: "ell", p, cx, cy, rx, ry, hole: 1 - t });
/** Polygon from a flat [x0, y0, x1, y1, …] list. */
export const poly = (pts: number[], p: PartName = "b"): Prim => ({
  k: "poly",
  p,
  pts,
});
/** Thick line with round caps. */
export const line = (
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  w: number,
  p: PartName = "b",
): Prim => ({ k: "line", p, x0, y0, x1, y1, w });

/** Placement of the unit square on the canvas. */
export interface Placement {
  readonly size: number;
  readonly left: number;
  readonly top: number;
  readonly flip: boolean;
}

function bbox(prim: Prim): [number, number, number, number] {
  switch (prim.k) {
    case "rect":
      return [prim.x0, prim.y0, prim.x1, prim.y1];
    case "ell":
      return [
        prim.cx - prim.rx,
        prim.cy - prim.ry,
        prim.cx + prim.rx,
        prim.cy + prim.ry,
      ];
    case "line": {
      const h = prim.w / 2;
      return [
        Math.min(prim.x0, prim.x1) - h,
        Math.min(prim.y0, prim.y1) - h,
        Math.max(prim.x0, prim.x1) + h,
        Math.max(prim.y0, prim.y1) + h,
      ];
    }
    case "poly": {
      let x0 = 1, y0 = 1, x1 = 0, y1 = 0;
      for (let i = 0; i < prim.pts.length; i += 2) {
        const x = prim.pts[i] ?? 0, y = prim.pts[i + 1] ?? 0;
        x0 = Math.min(x0, x),
          x1 = Math.max(x1, x),
          y0 = Math.min(y0, y),
          y1 = Math.max(y1, y);
      }
      return [x0, y0, x1, y1];
    }
  }
}

function insideRect(
  p: Extract<Prim, { k: "rect" }>,
  u: number,
  v: number,
): boolean {
  if (u < p.x0 || u > p.x1 || v < p.y0 || v > p.y1) return false;
  if (p.r <= 0) return true;
  const cx = Math.min(Math.max(u, p.x0 + p.r), p.x1 - p.r);
  const cy = Math.min(Math.max(v, p.y0 + p.r), p.y1 - p.r);
  return (u - cx) ** 2 + (v - cy) ** 2 <= p.r * p.r;
}

function insidePoly(pts: readonly number[], u: number, v: number): boolean {
  let inside = false;
  const n = pts.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = pts[2 * i] ?? 0, yi = pts[2 * i + 1] ?? 0;
    const xj = pts[2 * j] ?? 0, yj = pts[2 * j + 1] ?? 0;
    if ((yi > v) !== (yj > v) && u < ((xj - xi) * (v - yi)) / (yj - yi) + xi) {
      inside = !inside;
    }
  }
  return inside;
}

function insideLine(
  p: Extract<Prim, { k: "line" }>,
  u: number,
  v: number,
): boolean {
  const dx = p.x1 - p.x0, dy = p.y1 - p.y0;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0
    ? 0
    : Math.min(1, Math.max(0, ((u - p.x0) * dx + (v - p.y0) * dy) / len2));
  const ex = p.x0 + t * dx - u, ey = p.y0 + t * dy - v;
  return ex * ex + ey * ey <= (p.w / 2) ** 2;
}

/** Whether unit-space point (u, v) lies inside the primitive. */
export function inside(prim: Prim, u: number, v: number): boolean {
  switch (prim.k) {
    case "rect":
      return insideRect(prim, u, v);
    case "ell": {
      const d = ((u - prim.cx) / prim.rx) ** 2 + ((v - prim.cy) / prim.ry) ** 2;
      return d <= 1 && d >= prim.hole * prim.hole;
    }
    case "poly":
      return insidePoly(prim.pts, u, v);
    case "line":
      return insideLine(prim, u, v);
  }
}

/** Draws primitives in order into a label buffer of width × height. */
export function rasterise(
  prims: readonly Prim[],
  place: Placement,
  width: number,
  height: number,
): Uint8Array {
  const labels = new Uint8Array(width * height);
  for (const prim of prims) {
    const code = prim.p === "x" ? PART.bg : PART[prim.p];
    const [bx0, by0, bx1, by1] = bbox(prim);
    const ux0 = place.flip ? 1 - bx1 : bx0, ux1 = place.flip ? 1 - bx0 : bx1;
    const px0 = Math.max(0, Math.floor(place.left + ux0 * place.size));
    const px1 = Math.min(width - 1, Math.ceil(place.left + ux1 * place.size));
    const py0 = Math.max(0, Math.floor(place.top + by0 * place.size));
    const py1 = Math.min(height - 1, Math.ceil(place.top + by1 * place.size));
    for (let y = py0; y <= py1; y++) {
      const v = (y + 0.5 - place.top) / place.size;
      for (let x = px0; x <= px1; x++) {
        let u = (x + 0.5 - place.left) / place.size;
        if (place.flip) u = 1 - u;
        if (inside(prim, u, v)) labels[y * width + x] = code;
      }
    }
  }
  return labels;
}
