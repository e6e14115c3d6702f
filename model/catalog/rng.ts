/**
 * Small seeded pseudo-random generator (sfc32) with helpers. Deterministic across
 * platforms: only 32-bit integer arithmetic.
 */

/** Hashes a seed and any number of labels into one 32-bit integer (FNV-1a then mixed). */
export function hashSeed(seed: number, ...labels: (string | number)[]): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  const text = labels.join("\u0001");
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Seeded generator; every draw advances the state. */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** Creates a generator from a 32-bit seed and optional labels (sub-streams). */
  constructor(seed: number, ...labels: (string | number)[]) {
    this.#a = hashSeed(seed, "a", ...labels);
    this.#b = hashSeed(seed, "b", ...labels);
    this.#c = hashSeed(seed, "c", ...labels);
    this.#d = hashSeed(seed, "d", ...labels) | 1;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform float in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Uniform float in [min, max). */
  range(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) {
      throw new RangeError("Cannot pick from an empty list");
    }
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** One element, chosen with the given non-negative weights. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i] ?? 0;
      if (r < 0) return items[i] as T;
    }
    return this.pick(items);
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /** Approximately normal draw (sum of uniforms). */
  normal(mean = 0, sd = 1): number {
    return mean + sd * (this.next() + this.next() + this.next() - 1.5) * 2;
  }
}
