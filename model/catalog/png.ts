/**
 * A small deterministic PNG encoder (8-bit RGB, per-row None/Sub/Up filters, zlib via
 * node:zlib). imagescript's native PNG encoder leaves a few bytes that differ from run
 * to run, which breaks byte-identical catalogue output.
 */

import { deflateSync } from "node:zlib";
import { pngChunk } from "../../encode/mod.ts";
import type { Bitmap } from "./render.ts";

function filterRows(bm: Bitmap): Uint8Array {
  const stride = bm.width * 3;
  const out = new Uint8Array((stride + 1) * bm.height);
  const rgb = new Uint8Array(stride * bm.height);
  for (let i = 0, j = 0; i < bm.data.length; i += 4, j += 3) {
    rgb[j] = bm.data[i] ?? 0,
      rgb[j + 1] = bm.data[i + 1] ?? 0,
      rgb[j + 2] = bm.data[i + 2] ?? 0;
  }
  const cand = [
    new Uint8Array(stride),
    new Uint8Array(stride),
    new Uint8Array(stride),
  ];
  for (let y = 0; y < bm.height; y++) {
    const row = rgb.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? rgb.subarray((y - 1) * stride, y * stride) : null;
    let best = 0, bestCost = Infinity;
    cand.forEach((c, f) => {
      let cost = 0;
      for (let x = 0; x < stride; x++) {
        const pred = f === 1
          ? (x >= 3 ? row[x - 3] ?? 0 : 0)
          : f === 2
          ? (up?.[x] ?? 0)
          : 0;
        const v = ((row[x] ?? 0) - pred) & 0xff;
        c[x] = v;
        cost += v < 128 ? v : 256 - v;
      }
      if (cost < bestCost) bestCost = cost, best = f;
    });
    out[y * (stride + 1)] = best;
    out.set(cand[best] ?? row, y * (stride + 1) + 1);
  }
  return out;
}

/** Encodes an RGBA bitmap as an RGB PNG (alpha is dropped; rendered images are opaque). */
export function encodePng(bm: Bitmap): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, bm.width);
  view.setUint32(4, bm.height);
  header.set([8, 2, 0, 0, 0], 8);
  const idat = new Uint8Array(deflateSync(filterRows(bm), { level: 6 }));
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", idat),
    pngChunk("IEND", new Uint8Array()),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) out.set(p, off), off += p.length;
  return out;
}
