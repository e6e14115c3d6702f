/**
 * Typed-array kernels shared by the forward pass, the trainer's backward pass and the
 * ONNX exporter: dense layers, ReLU, row-wise L2 normalisation, seeded random numbers.
 * Matrices are row-major Float32Arrays; a dense layer computes y = x·W + b with W
 * stored [in, out] (ONNX Gemm with transB = 0).
 * @module
 */

/** A dense layer's parameters. */
export interface Dense {
  /** Input width. */
  readonly in: number;
  /** Output width. */
  readonly out: number;
  /** [in, out], row-major. */
  readonly w: Float32Array;
  /** [out]. */
  readonly b: Float32Array;
}

/** Epsilon added under the square root of every L2 normalisation (ONNX graphs too). */
export const NORM_EPS = 1e-12;

/** A zero-initialised dense layer of the given shape. */
export function zeroDense(inDim: number, outDim: number): Dense {
  return {
    in: inDim,
    out: outDim,
    w: new Float32Array(inDim * outDim),
    b: new Float32Array(outDim),
  };
}

/** y[n, out] = x[n, in]·W + b. */
export function denseForward(
  x: Float32Array,
  n: number,
  layer: Dense,
): Float32Array {
  const { in: k, out: m, w, b } = layer;
  const y = new Float32Array(n * m);
  const acc = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) acc[j] = b[j] ?? 0;
    for (let p = 0; p < k; p++) {
      const xv = x[i * k + p] ?? 0;
      if (xv === 0) continue;
      const row = p * m;
      for (let j = 0; j < m; j++) {
        acc[j] = (acc[j] ?? 0) + xv * (w[row + j] ?? 0);
      }
    }
    y.set(acc, i * m);
  }
  return y;
}

/**
 * Backward of {@linkcode denseForward}: adds dL/dW and dL/db into `grad` and returns
 * dL/dx (or nothing when `wantDx` is false).
 */
export function denseBackward(
  x: Float32Array,
  n: number,
  layer: Dense,
  dy: Float32Array,
  grad: Dense,
  wantDx = true,
): Float32Array | undefined {
  const { in: k, out: m, w } = layer;
  const gw = grad.w;
  const gb = grad.b;
  for (let i = 0; i < n; i++) {
    const dyRow = i * m;
    for (let j = 0; j < m; j++) gb[j] = (gb[j] ?? 0) + (dy[dyRow + j] ?? 0);
    for (let p = 0; p < k; p++) {
      const xv = x[i * k + p] ?? 0;
      if (xv === 0) continue;
      const row = p * m;
      for (let j = 0; j < m; j++) {
        gw[row + j] = (gw[row + j] ?? 0) + xv * (dy[dyRow + j] ?? 0);
      }
    }
  }
  if (!wantDx) return undefined;
  const dx = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    const dyRow = i * m;
    for (let p = 0; p < k; p++) {
      const row = p * m;
      let s = 0;
      for (let j = 0; j < m; j++) s += (dy[dyRow + j] ?? 0) * (w[row + j] ?? 0);
      dx[i * k + p] = s;
    }
  }
  return dx;
}

/** Element-wise max(0, x) into a new array. */
export function reluForward(x: Float32Array): Float32Array {
  return x.map((v) => (v > 0 ? v : 0));
}

/** Backward of ReLU given its output `y`: dy where y > 0, else 0. */
export function reluBackward(y: Float32Array, dy: Float32Array): Float32Array {
  return dy.map((g, i) => ((y[i] ?? 0) > 0 ? g : 0));
}

/** Row-wise y = x / sqrt(|x|² + eps); returns y and the norms. */
export function l2RowsForward(
  x: Float32Array,
  n: number,
  d: number,
): { y: Float32Array; norms: Float32Array } {
  const y = new Float32Array(n * d);
  const norms = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += (x[i * d + j] ?? 0) ** 2;
    const norm = Math.sqrt(s + NORM_EPS);
    norms[i] = norm;
    for (let j = 0; j < d; j++) y[i * d + j] = (x[i * d + j] ?? 0) / norm;
  }
  return { y, norms };
}

/** Backward of {@linkcode l2RowsForward}: dx = (dy − y·(y·dy)) / norm. */
export function l2RowsBackward(
  y: Float32Array,
  norms: Float32Array,
  dy: Float32Array,
  n: number,
  d: number,
): Float32Array {
  const dx = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    let dot = 0;
    for (let j = 0; j < d; j++) {
      dot += (y[i * d + j] ?? 0) * (dy[i * d + j] ?? 0);
    }
    const norm = norms[i] ?? 1;
    for (let j = 0; j < d; j++) {
      dx[i * d + j] = ((dy[i * d + j] ?? 0) - (y[i * d + j] ?? 0) * dot) / norm;
    }
  }
  return dx;
}

/** Seeded pseudo-random numbers (mulberry32), uniform in [0, 1). */
export { mulberry32 as createRng } from "../random.ts";

/** Standard normal sample from a uniform generator (Box–Muller). */
export function gaussian(rng: () => number): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** A dense layer with He-style normal weights (scale · sqrt(2 / in)) and zero bias. */
export function randomDense(
  inDim: number,
  outDim: number,
  rng: () => number,
  scale = 1,
): Dense {
  const layer = zeroDense(inDim, outDim);
  const std = scale * Math.sqrt(2 / inDim);
  for (let i = 0; i < layer.w.length; i++) layer.w[i] = gaussian(rng) * std;
  return layer;
}
