import assert from "node:assert/strict";
import {
  featureStrings,
  fnv1a32,
  normaliseText,
  textFeatures,
  type TextSpec,
} from "./text_features.ts";

const SPEC: TextSpec = {
  tokenizer: "hashed-ngram/1",
  buckets: 32768,
  ngramMin: 3,
  ngramMax: 4,
  words: true,
  maxTokens: 32,
};

Deno.test("normaliseText() applies NFKC, lower case and punctuation rules", () => {
  assert.equal(normaliseText("  Men's  RED-Dress!! "), "mens red dress");
  assert.equal(normaliseText("ＡＢＣ ｘ２"), "abc x2");
  assert.equal(normaliseText("Café\tCrème"), "café crème");
  assert.equal(normaliseText("…—"), "");
});

Deno.test("fnv1a32() matches the reference FNV-1a 32-bit values", () => {
  assert.equal(fnv1a32(""), 0x811c9dc5);
  assert.equal(fnv1a32("a"), 0xe40c292c);
  assert.equal(fnv1a32("foobar"), 0xbf9cf968);
});

Deno.test("featureStrings() emits words first, then n-grams of <word>", () => {
  const spec = { ...SPEC, ngramMin: 3, ngramMax: 4 };
  assert.deepEqual(featureStrings("Red Bag", spec), [
    "w:red",
    "w:bag",
    "<re",
    "red",
    "ed>",
    "<red",
    "red>",
    "<ba",
    "bag",
    "ag>",
    "<bag",
    "bag>",
  ]);
  assert.deepEqual(featureStrings("ab", { ...spec, words: false }), [
    "<ab",
    "ab>",
    "<ab>",
  ]);
});

Deno.test("textFeatures() returns padded ids in 1..buckets", () => {
  const ids = textFeatures("red dress", SPEC);
  assert.equal(ids.length, 32);
  const used = ids.filter((id) => id !== 0);
  // 2 words + "<red>" (3 trigrams, 2 four-grams) + "<dress>" (5 + 4)
  assert.equal(used.length, 2 + 5 + 9);
  for (const id of used) assert.ok(id >= 1 && id <= SPEC.buckets);
  assert.ok(ids.slice(used.length).every((id) => id === 0));
  assert.equal(ids[0], (fnv1a32("w:red") % SPEC.buckets) + 1);
});

Deno.test("textFeatures() truncates long text to maxTokens", () => {
  const long = Array.from({ length: 50 }, (_, i) => `word${i}`).join(" ");
  const ids = textFeatures(long, { ...SPEC, maxTokens: 40 });
  assert.equal(ids.length, 40);
  assert.ok(ids.every((id) => id > 0));
  assert.deepEqual(
    textFeatures(long, { ...SPEC, maxTokens: 40 }).slice(0, 10),
    textFeatures(long.split(" ").slice(0, 10).join(" "), SPEC).slice(0, 10),
  );
});

Deno.test("textFeatures() handles unseen words, empty text and non-Latin scripts", () => {
  assert.ok(textFeatures("zxqvbnm flurbicated", SPEC).some((id) => id > 0));
  assert.ok(textFeatures("", SPEC).every((id) => id === 0));
  assert.ok(textFeatures("красное платье 赤", SPEC).some((id) => id > 0));
  const same = textFeatures("Red  DRESS", SPEC);
  assert.deepEqual(same, textFeatures("red dress", SPEC));
});

Deno.test("textFeatures() rejects invalid specs", () => {
  assert.throws(() => textFeatures("x", { ...SPEC, buckets: 0 }), RangeError);
  assert.throws(
    () => textFeatures("x", { ...SPEC, ngramMin: 4, ngramMax: 3 }),
    RangeError,
  );
  assert.throws(
    () =>
      textFeatures("x", {
        ...SPEC,
        tokenizer: "bpe" as unknown as "hashed-ngram/1",
      }),
    RangeError,
  );
});
