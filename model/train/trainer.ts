/**
 * The training loop: seeded batches, Adam with warm-up and cosine decay, learned
 * temperature, memory bank, periodic validation recall@10 and progress callbacks.
 * @module
 */

import type { KeywordVocabulary } from "../../encode/mod.ts";
import { createRng } from "../_kernels.ts";
import type { ModelParams } from "../architecture.ts";
import { Adam, ScalarAdam } from "./adam.ts";
import { fusionPairs, type Grads, towerPairs, zeroGrads } from "./backward.ts";
import { sampleBatch } from "./batch.ts";
import { featureStats, type ProductSet, type QuerySet } from "./data.ts";
import { validationRecall } from "./evaluate.ts";
import { MemoryBank } from "./memory_bank.ts";
import {
  type LossWeights,
  type StepContext,
  type StepLosses,
  trainStep,
} from "./step.ts";

/** Training and validation tensors. */
export interface TrainData {
  readonly train: ProductSet;
  readonly trainQueries: QuerySet;
  readonly val: ProductSet;
  readonly valQueries: QuerySet;
}

/** A progress report, after every step. */
export interface TrainProgress {
  /** Steps done. */
  readonly step: number;
  /** Steps in the run. */
  readonly steps: number;
  /** Exponential moving average of the total loss. */
  readonly loss: number;
  /** Loss parts of the last step. */
  readonly last: StepLosses;
  /** Latest validation recall@10 (without Keyword Enhancement). */
  readonly valRecall: number;
  /** Current softmax temperature. */
  readonly temperature: number;
  /** Time since the first step. */
  readonly elapsedMs: number;
  /** Estimated time left. */
  readonly etaMs: number;
}

/** Options of {@linkcode trainModel}. */
export interface TrainOptions {
  /** Seed of the batch sampler. */
  readonly seed: number;
  /** Number of optimiser steps. */
  readonly steps: number;
  /** Shopper queries per batch. */
  readonly batchSize: number;
  /** Keyword pseudo queries per batch (0 turns the keyword loss off). */
  readonly keywordBatchSize: number;
  /** Peak learning rate. */
  readonly lr: number;
  /** Learning rate of Modal Adaptation relative to the towers'. @default 1 */
  readonly fusionLrScale?: number;
  /** Memory bank capacity (product vectors). */
  readonly bankSize: number;
  /** Weights of the auxiliary losses. */
  readonly weights: LossWeights;
  /** Validate every this many steps (and at the end). */
  readonly evalEvery: number;
  /** Keyword vocabulary (for validation with enhancement). */
  readonly vocabulary: KeywordVocabulary;
  /** False-negative masking (Keyword Enhancement). @default true */
  readonly maskFalseNegatives?: boolean;
  /** Called after every step. */
  readonly onProgress?: (progress: TrainProgress) => void;
  /** Clock for timings. @default performance.now */
  readonly now?: () => number;
}

/** What a run did. */
export interface TrainReport {
  /** Validation recall@10 before training. */
  readonly untrainedRecall: number;
  /** Validation recall@10 after training. */
  readonly finalRecall: number;
  /** Loss and validation recall at each validation. */
  readonly history: readonly {
    step: number;
    loss: number;
    valRecall: number;
  }[];
  /** Duration of the loop. */
  readonly elapsedMs: number;
}

const MAX_LOGIT_SCALE = Math.log(100);

function learningRate(step: number, options: TrainOptions): number {
  const warm = Math.min(100, Math.floor(options.steps / 10));
  if (step < warm) return (options.lr * (step + 1)) / warm;
  const progress = (step - warm) / Math.max(1, options.steps - warm);
  return options.lr * (0.1 + 0.45 * (1 + Math.cos(Math.PI * progress)));
}

/** Optimisers of one run: towers, Modal Adaptation and the temperature. */
class Optimisers {
  readonly #towers: Adam;
  readonly #fusion: Adam;
  readonly #scale = new ScalarAdam();
  readonly #fusionScale: number;

  constructor(params: ModelParams, grads: Grads, options: TrainOptions) {
    this.#towers = new Adam(towerPairs(params, grads), { lr: options.lr });
    this.#fusion = new Adam(fusionPairs(params, grads), { lr: options.lr });
    this.#fusionScale = options.fusionLrScale ?? 1;
  }

  /** Applies and clears the gradients. */
  step(params: ModelParams, grads: Grads, lr: number): void {
    this.#towers.step(lr);
    this.#fusion.step(lr * this.#fusionScale);
    params.logitScale = Math.min(
      MAX_LOGIT_SCALE,
      Math.max(0, this.#scale.step(params.logitScale, grads.logitScale, lr)),
    );
    grads.logitScale = 0;
  }
}

function stepContext(
  params: ModelParams,
  data: TrainData,
  options: TrainOptions,
): StepContext {
  return {
    params,
    grads: zeroGrads(params),
    products: data.train,
    queries: data.trainQueries,
    relevantSets: data.trainQueries.relevant.map((r) => new Set(r)),
    maskFalseNegatives: options.maskFalseNegatives ?? true,
    bank: new MemoryBank(options.bankSize, params.config.dims),
    weights: options.weights,
  };
}

/** Trains `params` in place; returns validation figures. */
export function trainModel(
  params: ModelParams,
  data: TrainData,
  options: TrainOptions,
): TrainReport {
  const now = options.now ?? (() => performance.now());
  const stats = featureStats(data.train);
  params.image.featMean.set(stats.mean);
  params.image.featInvStd.set(stats.invStd);
  const validate = () =>
    validationRecall(params, data.val, data.valQueries, {
      vocabulary: options.vocabulary,
      alpha: 0,
    });
  const untrainedRecall = validate();
  const ctx = stepContext(params, data, options);
  const optimisers = new Optimisers(params, ctx.grads, options);
  const rng = createRng(options.seed);
  const sample = { ...options, text: params.config.text };
  const history: { step: number; loss: number; valRecall: number }[] = [];
  const start = now();
  let ema = 0;
  let valRecall = untrainedRecall;
  for (let step = 0; step < options.steps; step++) {
    const last = trainStep(
      ctx,
      sampleBatch(data.train, data.trainQueries, rng, sample),
    );
    optimisers.step(params, ctx.grads, learningRate(step, options));
    ema = step === 0 ? last.total : 0.95 * ema + 0.05 * last.total;
    const done = step + 1;
    if (done % options.evalEvery === 0 || done === options.steps) {
      valRecall = validate();
      history.push({ step: done, loss: ema, valRecall });
    }
    const elapsedMs = now() - start;
    options.onProgress?.({
      step: done,
      steps: options.steps,
      loss: ema,
      last,
      valRecall,
      temperature: Math.exp(-params.logitScale),
      elapsedMs,
      etaMs: (elapsedMs / done) * (options.steps - done),
    });
  }
  return {
    untrainedRecall,
    finalRecall: valRecall,
    history,
    elapsedMs: now() - start,
  };
}
