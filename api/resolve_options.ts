/**
 * Applies defaults to partial limits and tuning and checks their ranges.
 * @module
 */

import {
  type AppLimits,
  DEFAULT_LIMITS,
  DEFAULT_TUNING,
  type SearchTuning,
} from "./app_options.ts";

/**
 * Limits with defaults applied.
 * @throws {RangeError} when a limit is not a positive integer or defaultK > maxK
 */
export function resolveLimits(partial: Partial<AppLimits> = {}): AppLimits {
  const limits = { ...DEFAULT_LIMITS, ...partial };
  for (const [name, value] of Object.entries(limits)) {
    checkPositiveInt(`limits.${name}`, value);
  }
  if (limits.defaultK > limits.maxK) {
    throw new RangeError(
      `Cannot create app: limits.defaultK (${limits.defaultK}) exceeds limits.maxK (${limits.maxK})`,
    );
  }
  return limits;
}

/**
 * Tuning with defaults applied.
 * @throws {RangeError} when keywordBoost or a lexical weight is negative or not finite, or a size is not a positive integer
 */
export function resolveTuning(
  partial: Partial<SearchTuning> = {},
): SearchTuning {
  const tuning = { ...DEFAULT_TUNING, ...partial };
  for (
    const name of [
      "keywordBoost",
      "lexicalWeight",
      "lexicalUnknownWeight",
    ] as const
  ) {
    if (!Number.isFinite(tuning[name]) || tuning[name] < 0) {
      throw new RangeError(
        `Cannot create app: tuning.${name} must be a finite number >= 0, got ${
          tuning[name]
        }`,
      );
    }
  }
  const sizes = [
    "poolFactor",
    "minPool",
    "maxPool",
    "encodeTimeoutMs",
    "latencyWindow",
  ] as const;
  for (const name of sizes) checkPositiveInt(`tuning.${name}`, tuning[name]);
  if (!Number.isInteger(tuning.queryCacheSize) || tuning.queryCacheSize < 0) {
    throw new RangeError(
      `Cannot create app: tuning.queryCacheSize must be a non-negative integer, got ${tuning.queryCacheSize}`,
    );
  }
  return tuning;
}

function checkPositiveInt(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot create app: ${name} must be a positive integer, got ${value}`,
    );
  }
}
