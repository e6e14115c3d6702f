/**
 * Adam optimiser over Float32Array parameters (in place), plus a scalar variant.
 * @module
 */

/** Options of {@linkcode Adam}. */
export interface AdamOptions {
  /** Learning rate. */
  readonly lr: number;
  /** @default 0.9 */
  readonly beta1?: number;
  /** @default 0.999 */
  readonly beta2?: number;
  /** @default 1e-8 */
  readonly eps?: number;
}

/** Adam state for a fixed list of (parameter, gradient) arrays. */
export class Adam {
  readonly #pairs: [Float32Array, Float32Array][];
  readonly #m: Float32Array[];
  readonly #v: Float32Array[];
  readonly #beta1: number;
  readonly #beta2: number;
  readonly #eps: number;
  #step = 0;

  constructor(pairs: [Float32Array, Float32Array][], options: AdamOptions) {
    this.#pairs = pairs;
    this.#m = pairs.map(([p]) => new Float32Array(p.length));
    this.#v = pairs.map(([p]) => new Float32Array(p.length));
    this.#beta1 = options.beta1 ?? 0.9;
    this.#beta2 = options.beta2 ?? 0.999;
    this.#eps = options.eps ?? 1e-8;
  }

  /** One update with learning rate `lr`; gradients are zeroed afterwards. */
  step(lr: number): void {
    this.#step++;
    const b1 = this.#beta1;
    const b2 = this.#beta2;
    const c1 = 1 - b1 ** this.#step;
    const c2 = 1 - b2 ** this.#step;
    const stepSize = (lr * Math.sqrt(c2)) / c1;
    const eps = this.#eps * Math.sqrt(c2);
    this.#pairs.forEach(([p, g], k) => {
      const m = this.#m[k] ?? new Float32Array();
      const v = this.#v[k] ?? new Float32Array();
      for (let i = 0; i < p.length; i++) {
        const gi = g[i] ?? 0;
        if (gi === 0 && m[i] === 0) continue;
        const mi = b1 * (m[i] ?? 0) + (1 - b1) * gi;
        const vi = b2 * (v[i] ?? 0) + (1 - b2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] = (p[i] ?? 0) - (stepSize * mi) / (Math.sqrt(vi) + eps);
      }
      g.fill(0);
    });
  }
}

/** Adam for one scalar. */
export class ScalarAdam {
  #m = 0;
  #v = 0;
  #step = 0;

  /** Returns the updated value. */
  step(value: number, grad: number, lr: number): number {
    this.#step++;
    this.#m = 0.9 * this.#m + 0.1 * grad;
    this.#v = 0.999 * this.#v + 0.001 * grad * grad;
    const mHat = this.#m / (1 - 0.9 ** this.#step);
    const vHat = this.#v / (1 - 0.999 ** this.#step);
    return value - (lr * mHat) / (Math.sqrt(vHat) + 1e-8);
  }
}
