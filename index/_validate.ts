/**
 * Input checks done once at the facade, so the implementations can trust their input.
 * @module
 */

import type { AttrFilter, ProductRecord } from "../types.ts";
import type { SearchOptions } from "./vector_index.ts";

/** Largest k a search accepts. */
export const MAX_K = 10_000;

/**
 * Checks a vector and writes its L2-normalised copy into `out` at `offset`.
 * @throws {TypeError} when not a Float32Array
 * @throws {RangeError} on wrong length, non-finite values or zero norm
 */
export function normaliseInto(
  action: string,
  vector: unknown,
  dims: number,
  out: Float32Array,
  offset: number,
): void {
  if (!(vector instanceof Float32Array)) {
    throw new TypeError(
      `Cannot ${action}: vector must be a Float32Array, got ${
        describe(vector)
      }`,
    );
  }
  if (vector.length !== dims) {
    throw new RangeError(
      `Cannot ${action}: vector has ${vector.length} dimensions, index has ${dims}`,
    );
  }
  let sum = 0;
  for (let i = 0; i < dims; i++) {
    const v = vector[i] as number;
    sum += v * v;
  }
  if (!Number.isFinite(sum)) {
    throw new RangeError(`Cannot ${action}: vector holds non-finite values`);
  }
  if (sum === 0) {
    throw new RangeError(`Cannot ${action}: vector has zero norm`);
  }
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < dims; i++) {
    out[offset + i] = (vector[i] as number) * inv;
  }
}

/**
 * Checks the shape of a record before it is stored.
 * @throws {TypeError} on a missing or wrongly typed field
 */
export function checkRecord(record: unknown): asserts record is ProductRecord {
  if (typeof record !== "object" || record === null) {
    throw new TypeError(
      `Cannot upsert: record must be an object, got ${describe(record)}`,
    );
  }
  const r = record as Record<string, unknown>;
  if (typeof r.id !== "string" || r.id.length === 0) {
    throw new TypeError("Cannot upsert: record.id must be a non-empty string");
  }
  const where = `record "${r.id}"`;
  if (typeof r.title !== "string") {
    throw new TypeError(`Cannot upsert ${where}: title must be a string`);
  }
  if (typeof r.attrs !== "object" || r.attrs === null) {
    throw new TypeError(`Cannot upsert ${where}: attrs must be an object`);
  }
  for (const [name, value] of Object.entries(r.attrs)) {
    const t = typeof value;
    if (t !== "string" && t !== "number" && t !== "boolean") {
      throw new TypeError(
        `Cannot upsert ${where}: attrs.${name} must be a string, number or boolean`,
      );
    }
  }
  for (const field of ["version", "eventTimeMs", "indexedAtMs"]) {
    if (typeof r[field] !== "number" || !Number.isFinite(r[field])) {
      throw new TypeError(
        `Cannot upsert ${where}: ${field} must be a finite number`,
      );
    }
  }
  if (r.thumb !== undefined && typeof r.thumb !== "string") {
    throw new TypeError(`Cannot upsert ${where}: thumb must be a string`);
  }
  const w = r.weights as Record<string, unknown> | null | undefined;
  if (
    typeof w !== "object" || w === null || typeof w.title !== "number" ||
    typeof w.image !== "number"
  ) {
    throw new TypeError(
      `Cannot upsert ${where}: weights must be {title: number, image: number}`,
    );
  }
}

/**
 * Checks search options.
 * @throws {TypeError} on malformed options or filters
 * @throws {RangeError} when k or ef is not an integer in 1..MAX_K
 */
export function checkSearchOptions(options: unknown): SearchOptions {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("Cannot search: options must be an object with k");
  }
  const { k, filters, ef } = options as Record<string, unknown>;
  if (typeof k !== "number") {
    throw new TypeError(
      `Cannot search: k must be a number, got ${describe(k)}`,
    );
  }
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) {
    throw new RangeError(
      `Cannot search: k must be an integer in 1..${MAX_K}, got ${k}`,
    );
  }
  if (ef !== undefined) checkEf(ef);
  const tuning = ef === undefined ? {} : { ef: ef as number };
  if (filters === undefined) return { k, ...tuning };
  if (!Array.isArray(filters)) {
    throw new TypeError("Cannot search: filters must be an array");
  }
  for (const f of filters as unknown[]) checkFilter(f);
  return { k, filters: filters as AttrFilter[], ...tuning };
}

function checkEf(ef: unknown): void {
  if (typeof ef !== "number") {
    throw new TypeError(
      `Cannot search: ef must be a number, got ${describe(ef)}`,
    );
  }
  if (!Number.isInteger(ef) || ef < 1 || ef > MAX_K) {
    throw new RangeError(
      `Cannot search: ef must be an integer in 1..${MAX_K}, got ${ef}`,
    );
  }
}

function checkFilter(filter: unknown): void {
  const f = filter as Record<string, unknown> | null;
  if (
    typeof f !== "object" || f === null || typeof f.attr !== "string" ||
    typeof f.value !== "string" || f.attr.length === 0
  ) {
    throw new TypeError(
      "Cannot search: each filter must be {attr: non-empty string, value: string}",
    );
  }
}

/** A short description of a value's type for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") {
    return (value as object).constructor?.name ?? "object";
  }
  return typeof value;
}
