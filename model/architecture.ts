/**
 * The MAKE model's shape and parameters: two hashed n-gram text towers (query, title),
 * an image tower (fixed filter bank + trained MLP head), Modal Adaptation fusion and a
 * learned temperature. Everything the exporter and the trainer share.
 * @module
 */

import type { TextSpec } from "../encode/mod.ts";
import { createRng, type Dense, gaussian, randomDense } from "./_kernels.ts";
import { featureSize, type ImageFrontSpec } from "./image_frontend.ts";

/** Sizes of every part of the model. */
export interface ModelConfig {
  /** D: output vector length. */
  readonly dims: number;
  /** Tokenizer of both text towers (the manifest's `text`). */
  readonly text: TextSpec;
  /** E: embedding-bag width of the text towers. */
  readonly embedDim: number;
  /** Hidden width of the text towers' MLP. */
  readonly textHidden: number;
  /** Image input; the front end needs 64×64. */
  readonly image: ImageFrontSpec;
  /** Hidden width of the image head. */
  readonly imageHidden: number;
  /** Hidden width of the Modal Adaptation MLP. */
  readonly fusionHidden: number;
}

/** A hashed n-gram text tower: mean embedding bag → MLP (+ linear skip) → L2. */
export interface TextTowerParams {
  /** [(buckets + 1), E]; row 0 (padding) stays zero. */
  readonly embed: Float32Array;
  /** Hidden layer E → hidden. */
  readonly l1: Dense;
  /** Output layer hidden → D. */
  readonly l2: Dense;
  /** Linear skip E → D added to the output layer. */
  readonly skip: Dense;
}

/** The trained head on the fixed image front end. */
export interface ImageHeadParams {
  /** Per-feature standardisation (constants measured on training images). */
  readonly featMean: Float32Array;
  /** 1 / standard deviation per feature. */
  readonly featInvStd: Float32Array;
  /** Hidden layer 944 → hidden. */
  readonly l1: Dense;
  /** Output layer hidden → D. */
  readonly l2: Dense;
}

/** Modal Adaptation: MLP on [title, image] → one logit → image weight. */
export interface FusionParams {
  /** Hidden layer 2D → hidden. */
  readonly l1: Dense;
  /** Output layer hidden → 1 (logit of the image weight). */
  readonly l2: Dense;
}

/** All parameters of the model. */
export interface ModelParams {
  /** Sizes. */
  readonly config: ModelConfig;
  /** Query tower. */
  readonly query: TextTowerParams;
  /** Title tower. */
  readonly title: TextTowerParams;
  /** Image head (the front end has no parameters). */
  readonly image: ImageHeadParams;
  /** Modal Adaptation. */
  readonly fusion: FusionParams;
  /** log(1 / temperature) of the contrastive losses. */
  logitScale: number;
}

/** Default model sizes (the shipped bundle). */
export const DEFAULT_CONFIG: ModelConfig = {
  dims: 64,
  text: {
    tokenizer: "hashed-ngram/1",
    buckets: 16384,
    ngramMin: 3,
    ngramMax: 4,
    words: true,
    maxTokens: 160,
  },
  embedDim: 64,
  textHidden: 192,
  image: {
    width: 128,
    height: 128,
    // MobileNetV2's own input scaling: 0..1 → −1..1.
    mean: [0.5, 0.5, 0.5],
    std: [0.5, 0.5, 0.5],
    backbone: {
      source: "nsfwjs@4.4.0/mobilenet_v2",
      layer: "block_13_expand_relu",
      channels: 576,
    },
  },
  imageHidden: 192,
  fusionHidden: 32,
};

function randomTextTower(
  config: ModelConfig,
  rng: () => number,
): TextTowerParams {
  const e = config.embedDim;
  const embed = new Float32Array((config.text.buckets + 1) * e);
  for (let i = e; i < embed.length; i++) embed[i] = gaussian(rng) * 0.5;
  return {
    embed,
    l1: randomDense(e, config.textHidden, rng),
    l2: randomDense(config.textHidden, config.dims, rng, 0.5),
    skip: randomDense(e, config.dims, rng, 0.5),
  };
}

/** Randomly initialised parameters, reproducible from `seed`. */
export function initParams(config: ModelConfig, seed: number): ModelParams {
  const rng = createRng(seed);
  const features = featureSize(config.image);
  return {
    config,
    query: randomTextTower(config, rng),
    title: randomTextTower(config, rng),
    image: {
      featMean: new Float32Array(features),
      featInvStd: new Float32Array(features).fill(1),
      l1: randomDense(features, config.imageHidden, rng),
      l2: randomDense(config.imageHidden, config.dims, rng, 0.5),
    },
    fusion: {
      l1: randomDense(2 * config.dims, config.fusionHidden, rng),
      l2: randomDense(config.fusionHidden, 1, rng, 0.1),
    },
    logitScale: Math.log(1 / 0.07),
  };
}
