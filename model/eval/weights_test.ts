import assert from "node:assert/strict";
import { parseMeta, summariseWeights } from "./weights.ts";

Deno.test("summariseWeights() averages image weights by catalogue facts", () => {
  const meta = parseMeta(
    '{"id":"a","imageKind":"product","colourInTitle":false,"category":"fashion"}\n' +
      '{"id":"b","imageKind":"box","colourInTitle":true,"category":"fashion"}\n' +
      '{"id":"c","imageKind":"none","colourInTitle":true,"category":"home"}\n',
  );
  const s = summariseWeights(["a", "b", "c"], [
    { image: 0.6 },
    { image: 0.2 },
    { image: 0 },
  ], meta);
  assert.deepEqual(s["with a usable image"], {
    products: 2,
    meanImageWeight: 0.4,
  });
  assert.deepEqual(s["without a usable image"], {
    products: 1,
    meanImageWeight: 0,
  });
  assert.deepEqual(s["image: box"], { products: 1, meanImageWeight: 0.2 });
  assert.deepEqual(s["colour only in image"], {
    products: 1,
    meanImageWeight: 0.6,
  });
  assert.equal(s["category: fashion"]?.products, 2);
  assert.ok(
    Math.abs((s["category: fashion"]?.meanImageWeight ?? 0) - 0.4) < 1e-12,
  );
});

Deno.test("parseMeta() rejects lines without an id", () => {
  assert.throws(() => parseMeta('{"imageKind":"box"}'), SyntaxError);
});
