/**
 * Quality side of `deno task backbone-sweep`: a seeded split, a title-word vocabulary,
 * attribute queries with their relevant products, capped recall@10, and a closed-form
 * kernel ridge regression (linear kernel) solved by onnxruntime in float64.
 * @module
 */

import onnxProto from "onnx-proto";
import * as ort from "onnxruntime-node";
import { normaliseText } from "../encode/mod.ts";
import { mulberry32 } from "../random.ts";

const { onnx } = onnxProto;
const DOUBLE = 11;

/** The normalised words of `text`. */
export function wordsOf(text: string): string[] {
  const normal = normaliseText(text);
  return normal === "" ? [] : normal.split(" ");
}

/** A seeded split of 0..n-1 into a `fraction` part and the rest, each in ascending order. */
export function seededSplit(
  n: number,
  fraction: number,
  seed: number,
): { first: number[]; rest: number[] } {
  const order = Array.from({ length: n }, (_, i) => i);
  const rng = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
  }
  const cut = Math.round(n * fraction);
  const sort = (a: number[]) => a.sort((x, y) => x - y);
  return { first: sort(order.slice(0, cut)), rest: sort(order.slice(cut)) };
}

/** Words that occur in at least `minCount` of `titles`, each mapped to a column. */
export function buildVocabulary(
  titles: readonly string[],
  minCount: number,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const title of titles) {
    for (const w of new Set(wordsOf(title))) {
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  const kept = [...counts].filter(([, c]) => c >= minCount).map(([w]) => w)
    .sort();
  return new Map(kept.map((w, i) => [w, i]));
}

/** One text query over a set of items. */
export interface SweepQuery {
  /** Query text, normalised. */
  readonly text: string;
  /** Which family it belongs to ("colour+type", "type", …). */
  readonly kind: string;
  /** Vocabulary columns of its words (words outside the vocabulary score 0). */
  readonly words: readonly number[];
  /** Positions of the relevant items. */
  readonly relevant: readonly number[];
}

/** One query key an item answers to: its text and family. */
export interface QueryKey {
  readonly text: string;
  readonly kind: string;
}

/**
 * Queries over `items`: every distinct key any item emits, relevant to the items that
 * emit it.
 */
export function queriesFromKeys<T>(
  items: readonly T[],
  keysOf: (item: T) => readonly QueryKey[],
  vocabulary: ReadonlyMap<string, number>,
): SweepQuery[] {
  const byText = new Map<string, { kind: string; relevant: Set<number> }>();
  items.forEach((item, i) => {
    for (const key of keysOf(item)) {
      const text = normaliseText(key.text);
      if (text === "") continue;
      const entry = byText.get(text) ?? { kind: key.kind, relevant: new Set() };
      entry.relevant.add(i);
      byText.set(text, entry);
    }
  });
  return [...byText].map(([text, { kind, relevant }]) => ({
    text,
    kind,
    words: wordsOf(text).flatMap((w) => {
      const col = vocabulary.get(w);
      return col === undefined ? [] : [col];
    }),
    relevant: [...relevant].sort((a, b) => a - b),
  }));
}

/**
 * Hits in the top `k` divided by min(k, #relevant). Ties are broken by `tieRank`
 * (a fixed random order), so equal scores rank like a random ranking.
 */
export function cappedRecall(
  scores: ArrayLike<number>,
  relevant: readonly number[],
  tieRank: ArrayLike<number>,
  k = 10,
): number {
  if (relevant.length === 0) {
    throw new RangeError("Cannot score a query with no relevant items");
  }
  // One pass keeping the best k (score desc, tie rank asc) in a small sorted buffer.
  const top: number[] = [];
  const before = (a: number, b: number) =>
    (scores[a] ?? 0) > (scores[b] ?? 0) ||
    ((scores[a] ?? 0) === (scores[b] ?? 0) &&
      (tieRank[a] ?? 0) < (tieRank[b] ?? 0));
  for (let i = 0; i < scores.length; i++) {
    const last = top[top.length - 1];
    if (top.length === k && last !== undefined && !before(i, last)) continue;
    let at = top.length;
    while (at > 0 && before(i, top[at - 1] ?? 0)) at--;
    top.splice(at, 0, i);
    if (top.length > k) top.pop();
  }
  const wanted = new Set(relevant);
  const hits = top.filter((i) => wanted.has(i)).length;
  return hits / Math.min(k, relevant.length);
}

/** Expected capped recall@k of a uniformly random ranking of `n` items. */
export function randomRecall(relevant: number, n: number, k = 10): number {
  return (Math.min(k, n) * relevant / n) / Math.min(k, relevant);
}

/** Mean capped recall@10 per query kind (and "all") of predicted word scores [m, v]. */
export function recallByKind(
  predicted: Float64Array,
  columns: ReadonlyMap<number, number>,
  queries: readonly SweepQuery[],
  tieRank: ArrayLike<number>,
): Map<string, number> {
  const v = columns.size;
  const m = v === 0 ? 0 : predicted.length / v;
  const sums = new Map<string, { sum: number; count: number }>();
  const add = (kind: string, r: number) => {
    const s = sums.get(kind) ?? { sum: 0, count: 0 };
    sums.set(kind, { sum: s.sum + r, count: s.count + 1 });
  };
  const scores = new Float64Array(m);
  for (const q of queries) {
    scores.fill(0);
    for (const w of q.words) {
      const c = columns.get(w);
      if (c === undefined) throw new RangeError(`No prediction for word ${w}`);
      for (let i = 0; i < m; i++) {
        scores[i] = (scores[i] ?? 0) + (predicted[i * v + c] ?? 0);
      }
    }
    const r = cappedRecall(scores, q.relevant, tieRank);
    add(q.kind, r);
    add("all", r);
  }
  return new Map([...sums].map(([k, s]) => [k, s.sum / s.count]));
}

function valueInfo(name: string, dims: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: DOUBLE,
        shape: {
          dim: dims.map((d) =>
            typeof d === "number" ? { dimValue: d } : { dimParam: d }
          ),
        },
      },
    },
  });
}

function graph(
  nodes: {
    op: string;
    inputs: string[];
    out: string;
    domain?: string;
    perm?: number[];
  }[],
  inputs: [string, (number | string)[]][],
  output: [string, (number | string)[]],
): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "backbone-sweep",
    opsetImport: [{ domain: "", version: 13 }, {
      domain: "com.microsoft",
      version: 1,
    }],
    graph: {
      name: "sweep",
      node: nodes.map((n, i) =>
        onnx.NodeProto.create({
          opType: n.op,
          domain: n.domain ?? "",
          input: n.inputs,
          output: [n.out],
          name: `${n.op}_${i}`,
          attribute: n.perm
            ? [{
              name: "perm",
              type: onnx.AttributeProto.AttributeType.INTS,
              ints: n.perm,
            }]
            : [],
        })
      ),
      input: inputs.map(([n, d]) => valueInfo(n, d)),
      output: [valueInfo(...output)],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Linear-kernel ridge regression and Gram matrices, in float64 on onnxruntime's CPU EP. */
export class KernelRidge {
  readonly #solve: ort.InferenceSession;
  readonly #gram: ort.InferenceSession;

  private constructor(solve: ort.InferenceSession, gram: ort.InferenceSession) {
    this.#solve = solve;
    this.#gram = gram;
  }

  /** Sessions with `threads` intra-op threads. */
  static async create(threads: number): Promise<KernelRidge> {
    const options = { intraOpNumThreads: threads, interOpNumThreads: 1 };
    const solve = await ort.InferenceSession.create(
      graph(
        [
          { op: "Inverse", domain: "com.microsoft", inputs: ["K"], out: "Ki" },
          { op: "MatMul", inputs: ["Ki", "Y"], out: "A" },
          { op: "MatMul", inputs: ["Kt", "A"], out: "P" },
        ],
        [["K", ["n", "n"]], ["Kt", ["m", "n"]], ["Y", ["n", "v"]]],
        [
          "P",
          ["m", "v"],
        ],
      ),
      options,
    );
    const gram = await ort.InferenceSession.create(
      graph(
        [
          { op: "Transpose", inputs: ["X"], out: "Xt", perm: [1, 0] },
          { op: "MatMul", inputs: ["X", "Xt"], out: "G" },
        ],
        [["X", ["n", "d"]]],
        ["G", ["n", "n"]],
      ),
      options,
    );
    return new KernelRidge(solve, gram);
  }

  /** X Xᵀ of row-major X [n, d]. */
  async gram(x: Float64Array, n: number): Promise<Float64Array> {
    const out = await this.#gram.run({
      X: new ort.Tensor("float64", x, [n, x.length / n]),
    });
    return out.G?.data as Float64Array;
  }

  /**
   * Predictions Kt (K + λI)⁻¹ Y for targets Y [n, v] (centre them first), train kernel
   * K [n, n] and test-train kernel Kt [m, n].
   */
  async predict(
    k: Float64Array,
    kt: Float64Array,
    y: Float64Array,
    lambda: number,
  ): Promise<Float64Array> {
    const n = Math.round(Math.sqrt(k.length));
    if (n * n !== k.length || kt.length % n !== 0 || y.length % n !== 0) {
      throw new TypeError("Cannot solve ridge: kernel shapes do not agree");
    }
    const reg = k.slice();
    for (let i = 0; i < n; i++) reg[i * n + i] = (reg[i * n + i] ?? 0) + lambda;
    const out = await this.#solve.run({
      K: new ort.Tensor("float64", reg, [n, n]),
      Kt: new ort.Tensor("float64", kt, [kt.length / n, n]),
      Y: new ort.Tensor("float64", y, [n, y.length / n]),
    });
    return out.P?.data as Float64Array;
  }

  /** Releases both sessions. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.#solve.release();
    await this.#gram.release();
  }
}

/** Rows `rows` × columns `cols` of a square row-major matrix of side `n`. */
export function subMatrix(
  k: Float64Array,
  n: number,
  rows: readonly number[],
  cols: readonly number[],
): Float64Array {
  const out = new Float64Array(rows.length * cols.length);
  rows.forEach((r, i) => {
    const base = r * n;
    cols.forEach((c, j) => (out[i * cols.length + j] = k[base + c] ?? 0));
  });
  return out;
}
