/**
 * `deno bench -A index/lexical_bench.ts`: the lexical channel on 100k products with
 * marketplace-like titles (12 words each drawn from a Zipf-distributed 20k-word
 * vocabulary, so some words are in a third of the titles and most in a handful) and
 * 1–4 word queries of one rare and some common words. Building takes a few seconds.
 * @module
 */

import { createBruteForceIndex } from "./mod.ts";
import { record, rng } from "./_test_util.ts";

const N = 100_000;
const WORDS = 20_000;
const rand = rng(11);
const cumulative: number[] = [];
let total = 0;
for (let r = 1; r <= WORDS; r++) cumulative.push(total += 1 / r);

/** A word of rank drawn from Zipf(1) over the vocabulary. */
function zipfWord(): string {
  const x = rand() * total;
  let lo = 0;
  let hi = WORDS - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cumulative[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return `w${lo}`;
}

const title = () => Array.from({ length: 12 }, zipfWord).join(" ");
const index = createBruteForceIndex({
  dims: 2,
  modelVersion: "bench",
  initialCapacity: N,
});
const v = new Float32Array([1, 0]);
for (let i = 0; i < N; i++) {
  index.upsert(record(i, { title: title() }), v);
}
const queries = Array.from({ length: 1000 }, () => {
  const words = [`w${500 + Math.floor(rand() * 10_000)}`];
  const extra = Math.floor(rand() * 4);
  for (let j = 0; j < extra; j++) words.push(`w${Math.floor(rand() * 50)}`);
  return words.join(" ");
});
let q = 0;
const next = () => queries[q++ % queries.length] as string;

Deno.bench("searchLexical k=50, 1–4 words (100k)", {
  group: "lexical",
  baseline: true,
}, () => {
  index.searchLexical(next(), { k: 50 });
});
Deno.bench("searchLexical k=500 (pool of k=100) (100k)", {
  group: "lexical",
}, () => {
  index.searchLexical(next(), { k: 500 });
});
Deno.bench("searchLexical k=50, filter colour 1/3 (100k)", {
  group: "lexical",
}, () => {
  index.searchLexical(next(), {
    k: 50,
    filters: [{ attr: "colour", value: "red" }],
  });
});
Deno.bench("searchLexical 1 rare word k=50 (100k)", {
  group: "lexical",
}, () => {
  index.searchLexical(`w${5000 + (q++ % 10_000)}`, { k: 50 });
});

let u = 0;
Deno.bench("upsert replacing a product, with its lexical postings (100k)", {
  group: "upsert",
}, () => {
  const i = u++ % N;
  index.upsert(record(i, { title: title() }), v);
});
