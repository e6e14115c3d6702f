import assert from "node:assert/strict";
import { initParams } from "../architecture.ts";
import { tinyConfig } from "../testing.ts";
import { tinyTrainData } from "./_fixture.ts";
import { trainModel, type TrainOptions } from "./trainer.ts";
import { buildVocabulary } from "./vocabulary.ts";

function options(data: ReturnType<typeof tinyTrainData>): TrainOptions {
  return {
    seed: 1,
    steps: 80,
    batchSize: 24,
    keywordBatchSize: 8,
    lr: 0.01,
    bankSize: 48,
    weights: { title: 0.5, image: 0.5, keyword: 0.5 },
    evalEvery: 40,
    vocabulary: buildVocabulary(data.train.products),
  };
}

Deno.test("trainModel() improves validation recall@10 over the untrained model", () => {
  const config = tinyConfig(16);
  const data = tinyTrainData(config, 3);
  const params = initParams(config, 5);
  let calls = 0;
  const report = trainModel(params, data, {
    ...options(data),
    onProgress: () => calls++,
  });
  assert.equal(calls, 80);
  assert.equal(report.history.length, 2);
  assert.ok(
    report.finalRecall > report.untrainedRecall + 0.15,
    `recall ${report.untrainedRecall} → ${report.finalRecall}`,
  );
});

Deno.test("trainModel() is reproducible from its seeds", () => {
  const config = tinyConfig(8);
  const run = () => {
    const data = tinyTrainData(config, 4);
    const params = initParams(config, 6);
    trainModel(params, data, { ...options(data), steps: 10, evalEvery: 10 });
    return params.title.l1.w.slice(0, 50);
  };
  assert.deepEqual(run(), run());
});
