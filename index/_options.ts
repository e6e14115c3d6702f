/**
 * Defaults and checks for index options.
 * @module
 */

import type {
  IndexKind,
  IndexOptions,
  Quantization,
  ResolvedIndexOptions,
  UsearchIndexOptions,
} from "./vector_index.ts";

/**
 * Shipped USearch settings, chosen on the shipped model's embeddings of real catalogues
 * (`deno task bench --only sweep --dataset …`, docs/BENCHMARKS.md, issue 15): M16/efAdd64
 * at ef 64 gave recall@10 0.998 (IKEA), 0.997 (grocery), 0.987 (10k synthetic
 * catalogue) and 0.993 on 100k clustered synthetic vectors, at ~7× the QPS of the
 * previous M32/efAdd128/ef512 on the same data. A search can ask for more with `ef`.
 */
export const USEARCH_DEFAULTS = {
  connectivity: 16,
  expansionAdd: 64,
  expansionSearch: 64,
  quantization: "f32" as Quantization,
} as const;

const QUANTIZATIONS: readonly string[] = ["f32", "f16", "i8"];

/**
 * Applies defaults and checks every option, reporting all problems at once.
 * @throws {TypeError} when options is not an object
 * @throws {RangeError} listing every out-of-range option
 */
export function resolveOptions(
  kind: IndexKind,
  options: IndexOptions & Partial<UsearchIndexOptions>,
): ResolvedIndexOptions {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("Cannot create index: options must be an object");
  }
  const resolved: ResolvedIndexOptions = {
    kind,
    dims: options.dims,
    modelVersion: options.modelVersion,
    initialCapacity: options.initialCapacity ?? 1024,
    exactFilterMaxRows: options.exactFilterMaxRows ?? 4096,
    connectivity: options.connectivity ?? USEARCH_DEFAULTS.connectivity,
    expansionAdd: options.expansionAdd ?? USEARCH_DEFAULTS.expansionAdd,
    expansionSearch: options.expansionSearch ??
      USEARCH_DEFAULTS.expansionSearch,
    quantization: options.quantization ?? USEARCH_DEFAULTS.quantization,
    bulkThreads: options.bulkThreads ?? 1,
  };
  const problems = [
    ...intProblem("dims", resolved.dims, 1, 65_536),
    ...intProblem("initialCapacity", resolved.initialCapacity, 1, 2 ** 30),
    ...intProblem(
      "exactFilterMaxRows",
      resolved.exactFilterMaxRows,
      0,
      2 ** 30,
    ),
    ...intProblem("connectivity", resolved.connectivity, 2, 256),
    ...intProblem("expansionAdd", resolved.expansionAdd, 1, 65_536),
    ...intProblem("expansionSearch", resolved.expansionSearch, 1, 65_536),
    ...intProblem("bulkThreads", resolved.bulkThreads, 0, 1024),
  ];
  if (
    typeof resolved.modelVersion !== "string" || resolved.modelVersion === ""
  ) {
    problems.push(`modelVersion must be a non-empty string`);
  }
  if (!QUANTIZATIONS.includes(resolved.quantization)) {
    problems.push(
      `quantization must be one of ${
        QUANTIZATIONS.join(", ")
      }, got "${resolved.quantization}"`,
    );
  }
  if (problems.length > 0) {
    throw new RangeError(`Cannot create ${kind} index: ${problems.join("; ")}`);
  }
  return resolved;
}

function intProblem(
  name: string,
  value: unknown,
  min: number,
  max: number,
): string[] {
  if (
    typeof value !== "number" || !Number.isInteger(value) || value < min ||
    value > max
  ) {
    return [
      `${name} must be an integer in ${min}..${max}, got ${String(value)}`,
    ];
  }
  return [];
}
