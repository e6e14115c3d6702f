/**
 * One sweep's fixed parts (split, vocabulary, queries, targets), the per-candidate
 * evaluation (λ chosen on an inner split of the training part, then refitted) and
 * the markdown table of `deno task backbone-sweep`.
 * @module
 */

import * as ort from "onnxruntime-node";
import { mulberry32 } from "../random.ts";
import {
  buildVocabulary,
  type KernelRidge,
  randomRecall,
  recallByKind,
  seededSplit,
  subMatrix,
  type SweepQuery,
  wordsOf,
} from "./_sweep_eval.ts";

/** Ridge strengths tried, as multiples of the mean diagonal of the training kernel. */
const LAMBDAS = [0.03, 0.1, 0.3, 1, 3];
/** Weights tried for the colour block's kernel (its features scaled by √weight). */
const COLOUR_WEIGHTS = [0.1, 0.3, 1];
const BATCH = 32;

/** A backbone cut to evaluate: its Gram parts and the graph whose speed it has. */
export interface Candidate {
  readonly layer: string;
  readonly dims: number;
  readonly parts: readonly string[];
  readonly speed: string;
}

/** One line of the table. */
export interface Row {
  readonly size: number;
  readonly layer: string;
  readonly dims: number;
  readonly colour: string;
  readonly lambda: number;
  /** Weight of the colour block's kernel, when there is one. */
  readonly colourWeight?: number;
  readonly recall: ReadonlyMap<string, number>;
  readonly backboneIps?: number;
  readonly decodeIps?: number;
  readonly colourMs?: number;
}

interface Part {
  rows: number[];
  queries: SweepQuery[];
  y: Float64Array;
  tieRank: Float64Array;
  fit: number[];
}

function ranks(n: number, seed: number): Float64Array {
  const rng = mulberry32(seed);
  return Float64Array.from({ length: n }, () => rng());
}

/** The sweep's split, vocabulary, queries and ridge targets. */
export class Evaluator {
  readonly #ridge: KernelRidge;
  readonly #n: number;
  readonly #train: number[];
  readonly #columns: Map<number, number>;
  readonly #final: Part;
  readonly #inner: Part;
  readonly #vocabSize: number;

  private constructor(
    ridge: KernelRidge,
    n: number,
    train: number[],
    columns: Map<number, number>,
    parts: { final: Part; inner: Part; vocabSize: number },
  ) {
    this.#ridge = ridge;
    this.#n = n;
    this.#train = train;
    this.#columns = columns;
    this.#final = parts.final;
    this.#inner = parts.inner;
    this.#vocabSize = parts.vocabSize;
  }

  /** Splits 60/40 by `seed`; the training part again 75/25 to choose λ. */
  static create(options: {
    titles: readonly string[];
    seed: number;
    queries: (
      rows: number[],
      vocab: ReadonlyMap<string, number>,
    ) => SweepQuery[];
    ridge: KernelRidge;
  }): Evaluator {
    const { titles, seed } = options;
    const n = titles.length;
    const { first: train, rest: test } = seededSplit(n, 0.6, seed);
    const inner = seededSplit(train.length, 0.75, seed + 1);
    const innerFit = inner.first.map((i) => train[i] ?? 0);
    const innerVal = inner.rest.map((i) => train[i] ?? 0);
    const vocab = buildVocabulary(train.map((i) => titles[i] ?? ""), 2);
    const testQueries = options.queries(test, vocab);
    const innerQueries = options.queries(innerVal, vocab);
    const used = [
      ...new Set([...testQueries, ...innerQueries].flatMap((q) => q.words)),
    ].sort((a, b) => a - b);
    const columns = new Map(used.map((w, i) => [w, i]));
    const targets = (rows: number[]) => {
      const v = columns.size;
      const y = new Float64Array(rows.length * v);
      rows.forEach((r, i) => {
        for (const w of new Set(wordsOf(titles[r] ?? ""))) {
          const col = columns.get(vocab.get(w) ?? -1);
          if (col !== undefined) y[i * v + col] = 1;
        }
      });
      for (let c = 0; c < v; c++) {
        let mean = 0;
        for (let i = 0; i < rows.length; i++) mean += y[i * v + c] ?? 0;
        mean /= rows.length;
        for (let i = 0; i < rows.length; i++) {
          y[i * v + c] = (y[i * v + c] ?? 0) - mean;
        }
      }
      return y;
    };
    return new Evaluator(options.ridge, n, train, columns, {
      final: {
        rows: test,
        queries: testQueries,
        y: targets(train),
        tieRank: ranks(test.length, seed + 2),
        fit: train,
      },
      inner: {
        rows: innerVal,
        queries: innerQueries,
        y: targets(innerFit),
        tieRank: ranks(innerVal.length, seed + 3),
        fit: innerFit,
      },
      vocabSize: vocab.size,
    });
  }

  /** Split and query counts, for the log and the table. */
  describe(): string {
    const kinds = new Map<string, number>();
    for (const q of this.#final.queries) {
      kinds.set(q.kind, (kinds.get(q.kind) ?? 0) + 1);
    }
    const counts = [...kinds].map(([k, c]) => `${c} ${k}`).join(", ");
    return `train ${this.#train.length}, held out ${this.#final.rows.length}; ` +
      `vocabulary ${this.#vocabSize} words (min count 2), ${this.#columns.size} of them in queries; ` +
      `held-out queries: ${counts}`;
  }

  /** Query kinds, in table order. */
  kinds(): string[] {
    return [...new Set(this.#final.queries.map((q) => q.kind))];
  }

  /** Expected recall@10 of a random ranking, per kind and "all". */
  randomRecall(): Map<string, number> {
    const sums = new Map<string, number[]>();
    const m = this.#final.rows.length;
    for (const q of this.#final.queries) {
      for (const k of [q.kind, "all"]) {
        sums.set(k, [
          ...(sums.get(k) ?? []),
          randomRecall(q.relevant.length, m),
        ]);
      }
    }
    return new Map(
      [...sums].map(([k, v]) => [k, v.reduce((a, b) => a + b, 0) / v.length]),
    );
  }

  /** Gram matrix [n, n] of features [n, d] standardised on the training part. */
  async gramOf(x: Float32Array, d: number): Promise<Float64Array> {
    const z = new Float64Array(this.#n * d);
    for (let j = 0; j < d; j++) {
      let s = 0, sq = 0;
      for (const i of this.#train) {
        const v = x[i * d + j] ?? 0;
        s += v;
        sq += v * v;
      }
      const mean = s / this.#train.length;
      const inv = 1 /
        Math.sqrt(Math.max(sq / this.#train.length - mean * mean, 0) + 1e-6);
      for (let i = 0; i < this.#n; i++) {
        z[i * d + j] = ((x[i * d + j] ?? 0) - mean) * inv;
      }
    }
    return await this.#ridge.gram(z, this.#n);
  }

  /** Pooled features of every image per layer, and decode+resize images/s. */
  async extract(
    graph: Uint8Array,
    layers: readonly { layer: string; channels: number }[],
    decode: (i: number) => Promise<Float32Array>,
    options: { side: number; threads: number },
  ): Promise<
    {
      feats: Map<string, Float32Array>;
      decodeIps: number;
      first: Map<string, Float32Array>;
    }
  > {
    const { side, threads } = options;
    const session = await ort.InferenceSession.create(graph, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
    });
    const feats = new Map(
      layers.map((l) => [l.layer, new Float32Array(this.#n * l.channels)]),
    );
    const first = new Map<string, Float32Array>();
    const plane = 3 * side * side;
    let decodeMs = 0;
    try {
      for (let start = 0; start < this.#n; start += BATCH) {
        const b = Math.min(BATCH, this.#n - start);
        const batch = new Float32Array(b * plane);
        const t = performance.now();
        for (let i = 0; i < b; i++) {
          batch.set(await decode(start + i), i * plane);
        }
        decodeMs += performance.now() - t;
        const out = await session.run({
          pixels: new ort.Tensor("float32", batch, [b, 3, side, side]),
        });
        for (const l of layers) {
          const data = out[`f_${l.layer}`]?.data as Float32Array;
          feats.get(l.layer)?.set(data, start * l.channels);
          if (start === 0) first.set(l.layer, data.slice());
        }
      }
    } finally {
      await session.release();
    }
    return { feats, decodeIps: (this.#n * 1000) / decodeMs, first };
  }

  async #recall(
    k: Float64Array,
    part: Part,
    c: number,
  ): Promise<Map<string, number>> {
    const kt = subMatrix(k, this.#n, part.fit, part.fit);
    let trace = 0;
    for (let i = 0; i < part.fit.length; i++) {
      trace += kt[i * part.fit.length + i] ?? 0;
    }
    const lambda = c * trace / part.fit.length;
    const kv = subMatrix(k, this.#n, part.rows, part.fit);
    const p = await this.#ridge.predict(kt, kv, part.y, lambda);
    return recallByKind(p, this.#columns, part.queries, part.tieRank);
  }

  /**
   * Fits and scores one candidate whose kernel is the sum of `grams` plus, if given,
   * `colour` times a weight; λ and the weight are chosen on the inner split.
   */
  async row(
    head: Pick<Row, "size" | "layer" | "dims" | "colour">,
    grams: readonly Float64Array[],
    speed: Pick<Row, "backboneIps" | "decodeIps" | "colourMs">,
    colour?: Float64Array,
  ): Promise<Row> {
    const base = new Float64Array(this.#n * this.#n);
    for (const g of grams) {
      for (let i = 0; i < base.length; i++) {
        base[i] = (base[i] ?? 0) + (g[i] ?? 0);
      }
    }
    const weights = colour ? COLOUR_WEIGHTS : [0];
    const kernel = (w: number) => {
      if (!colour) return base;
      const k = base.slice();
      for (let i = 0; i < k.length; i++) {
        k[i] = (k[i] ?? 0) + w * (colour[i] ?? 0);
      }
      return k;
    };
    let best = { c: LAMBDAS[0] ?? 1, w: 0, r: -1 };
    for (const w of weights) {
      const k = kernel(w);
      for (const c of LAMBDAS) {
        const r = (await this.#recall(k, this.#inner, c)).get("all") ?? 0;
        if (r > best.r) best = { c, w, r };
      }
    }
    const recall = await this.#recall(kernel(best.w), this.#final, best.c);
    return {
      ...head,
      ...speed,
      lambda: best.c,
      colourWeight: colour ? best.w : undefined,
      recall,
    };
  }
}

function combinedIps(r: Row): number | undefined {
  let ms = r.colourMs ?? 0;
  if (r.backboneIps) ms += 1000 / r.backboneIps;
  if (r.decodeIps) ms += 1000 / r.decodeIps;
  return ms > 0 ? 1000 / ms : undefined;
}

const fmt = (v: number | undefined, digits: number) =>
  v === undefined ? "—" : v.toFixed(digits);

/** The markdown table with its heading lines. */
export function table(
  rows: readonly Row[],
  ev: Evaluator,
  options: { dataset: string; args: readonly string[]; started: string },
): string {
  const kinds = ev.kinds();
  const random = ev.randomRecall();
  const head = [
    "size",
    "layer",
    "dims",
    "colour",
    "λ/mean diag",
    "colour weight",
    ...kinds.map((k) => `R@10 ${k}`),
    "R@10 all",
    "backbone img/s",
    "decode img/s",
    "colour ms/img",
    "combined img/s",
  ];
  const lines = [
    `\`deno task backbone-sweep ${
      options.args.join(" ")
    }\`, ${options.started}.`,
    "",
    `Dataset \`${options.dataset}\`: ${ev.describe()}.`,
    `Random ranking: ${
      [...kinds, "all"].map((k) => `${k} ${fmt(random.get(k), 3)}`).join(", ")
    }.`,
    "",
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((r) =>
      `| ${
        [
          r.size === 64 ? "64 (colour only)" : String(r.size),
          r.layer,
          String(r.dims),
          r.colour,
          String(r.lambda),
          r.colourWeight === undefined ? "—" : String(r.colourWeight),
          ...kinds.map((k) => fmt(r.recall.get(k), 3)),
          fmt(r.recall.get("all"), 3),
          fmt(r.backboneIps, 0),
          fmt(r.decodeIps, 0),
          fmt(r.colourMs, 2),
          fmt(combinedIps(r), 0),
        ].join(" | ")
      } |`
    ),
  ];
  return lines.join("\n") + "\n";
}
