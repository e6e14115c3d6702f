/**
 * Parses and validates search requests (GET query string or POST JSON body) into one
 * shape. Every problem is an {@linkcode HttpError} 400 with a stable code. Names,
 * bounds and defaults come from the request schemas (`api_schema.ts`) that
 * `/openapi.json` publishes, so the document and the checks cannot drift apart.
 * @module
 */

import type { AttrFilter } from "../types.ts";
import type { AppLimits } from "./app_options.ts";
import { badRequest, type HttpError, quote } from "./http_error.ts";
import { type SearchSchemas, searchSchemas } from "./api_schema.ts";

/** A validated search request. */
export interface SearchRequest {
  /** Trimmed, non-empty, well-formed query text. */
  readonly query: string;
  readonly k: number;
  readonly filters: AttrFilter[];
  /** Search depth (HNSW ef) for this request; absent: the index's default. */
  readonly ef?: number;
}

/** The bounds the checks use, read from the request schemas. */
interface Bounds {
  readonly params: ReadonlySet<string>;
  readonly fields: ReadonlySet<string>;
  readonly maxQueryChars: number;
  readonly maxK: number;
  readonly defaultK: number;
  readonly minEf: number;
  readonly maxEf: number;
  readonly maxFilters: number;
  readonly maxFilterChars: number;
}

const boundsByLimits = new WeakMap<AppLimits, Bounds>();

function boundsOf(limits: AppLimits): Bounds {
  let bounds = boundsByLimits.get(limits);
  if (bounds === undefined) {
    bounds = fromSchemas(searchSchemas(limits));
    boundsByLimits.set(limits, bounds);
  }
  return bounds;
}

function fromSchemas(s: SearchSchemas): Bounds {
  return {
    params: new Set(Object.keys(s.params)),
    fields: new Set(Object.keys(s.body.properties)),
    maxQueryChars: s.params.q.maxLength,
    maxK: s.params.k.maximum,
    defaultK: s.params.k.default,
    minEf: s.params.ef.minimum,
    maxEf: s.params.ef.maximum,
    maxFilters: s.params.filter.maxItems,
    maxFilterChars: s.filter.properties.attr.maxLength,
  };
}

const listed = (names: ReadonlySet<string>) => {
  const all = [...names];
  return `${all.slice(0, -1).join(", ")} or ${all.at(-1)}`;
};

/**
 * Reads `q`, `k`, `ef` and repeatable `filter=attr:value` from a query string.
 * @throws {HttpError} 400 on a missing, empty or too long q, a bad k or ef, a bad filter or an unknown parameter
 */
export function parseSearchParams(
  params: URLSearchParams,
  appLimits: AppLimits,
): SearchRequest {
  const limits = boundsOf(appLimits);
  for (const name of params.keys()) {
    if (!limits.params.has(name)) {
      throw badRequest(
        "unknown_parameter",
        `Unknown query parameter ${quote(name)}: expected ${
          listed(limits.params)
        }`,
      );
    }
  }
  const q = params.getAll("q");
  const k = params.getAll("k");
  const ef = params.getAll("ef");
  if (q.length > 1 || k.length > 1 || ef.length > 1) {
    throw badRequest(
      "duplicate_parameter",
      "Give q, k and ef at most once each",
    );
  }
  const filterTexts = params.getAll("filter");
  checkFilterCount(filterTexts.length, limits);
  return {
    query: checkQuery(q[0], limits),
    k: k[0] === undefined ? limits.defaultK : parseK(k[0], limits),
    filters: filterTexts.map((text) => parseFilterText(text, limits)),
    ...(ef[0] === undefined ? {} : { ef: parseEf(ef[0], limits) }),
  };
}

/**
 * Validates a parsed JSON body `{ query, k?, ef?, filters? }`.
 * @throws {HttpError} 400 on a non-object body, unknown fields or invalid values
 */
export function parseSearchBody(
  body: unknown,
  appLimits: AppLimits,
): SearchRequest {
  const limits = boundsOf(appLimits);
  if (!isPlainObject(body)) {
    throw badRequest(
      "invalid_body",
      "Send a JSON object: {query, k, ef, filters}",
    );
  }
  for (const key of Object.keys(body)) {
    if (!limits.fields.has(key)) {
      throw badRequest(
        "unknown_field",
        `Unknown field ${quote(key)}: expected ${listed(limits.fields)}`,
      );
    }
  }
  const { query, k, ef, filters } = body;
  if (query !== undefined && typeof query !== "string") {
    throw badRequest("invalid_query", "Field query must be a string");
  }
  return {
    query: checkQuery(query, limits),
    k: k === undefined ? limits.defaultK : checkK(k, limits),
    filters: filters === undefined ? [] : parseFilterField(filters, limits),
    ...(ef === undefined ? {} : { ef: checkEf(ef, limits) }),
  };
}

function checkQuery(raw: string | undefined, limits: Bounds): string {
  if (raw === undefined) {
    throw badRequest("missing_query", 'Give a query: q=… or {"query": …}');
  }
  const query = raw.trim();
  if (query.length === 0) {
    throw badRequest("empty_query", "Query is empty");
  }
  if (codePointsOver(query, limits.maxQueryChars)) {
    throw badRequest(
      "query_too_long",
      `Query is too long: more than ${limits.maxQueryChars} characters`,
    );
  }
  if (!query.isWellFormed()) {
    throw badRequest("invalid_query", "Query is not well-formed Unicode");
  }
  return query;
}

function parseK(text: string, limits: Bounds): number {
  if (!/^[0-9]{1,7}$/.test(text)) {
    throw badRequest(
      "invalid_k",
      `k must be an integer in 1..${limits.maxK}: got ${quote(text)}`,
    );
  }
  return checkK(Number(text), limits);
}

function checkK(k: unknown, limits: Bounds): number {
  if (
    typeof k !== "number" || !Number.isInteger(k) || k < 1 || k > limits.maxK
  ) {
    throw badRequest(
      "invalid_k",
      `k must be an integer in 1..${limits.maxK}: got ${
        quote(String(JSON.stringify(k)))
      }`,
    );
  }
  return k;
}

function parseEf(text: string, limits: Bounds): number {
  if (!/^[0-9]{1,7}$/.test(text)) throw invalidEf(text, limits);
  return checkEf(Number(text), limits);
}

function checkEf(ef: unknown, limits: Bounds): number {
  if (
    typeof ef !== "number" || !Number.isInteger(ef) || ef < limits.minEf ||
    ef > limits.maxEf
  ) {
    throw invalidEf(String(JSON.stringify(ef)), limits);
  }
  return ef;
}

function invalidEf(shown: string, limits: Bounds): HttpError {
  return badRequest(
    "invalid_ef",
    `ef must be an integer in ${limits.minEf}..${limits.maxEf}: got ${
      quote(shown)
    }`,
  );
}

function parseFilterText(text: string, limits: Bounds): AttrFilter {
  const colon = text.indexOf(":");
  if (colon < 0) {
    throw badRequest(
      "invalid_filter",
      `Filter ${quote(text)} must look like attr:value`,
    );
  }
  return checkFilter(text.slice(0, colon), text.slice(colon + 1), limits);
}

function parseFilterField(value: unknown, limits: Bounds): AttrFilter[] {
  if (Array.isArray(value)) {
    checkFilterCount(value.length, limits);
    return value.map((item) => {
      if (
        !isPlainObject(item) || Object.keys(item).length !== 2 ||
        typeof item.attr !== "string" || !isScalar(item.value)
      ) {
        throw badRequest(
          "invalid_filter",
          "Each filter must be {attr: string, value: string | number | boolean}",
        );
      }
      return checkFilter(item.attr, String(item.value), limits);
    });
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value);
    checkFilterCount(entries.length, limits);
    return entries.map(([attr, v]) => {
      if (!isScalar(v)) {
        throw badRequest(
          "invalid_filter",
          `Filter ${quote(attr)} must have a string, number or boolean value`,
        );
      }
      return checkFilter(attr, String(v), limits);
    });
  }
  throw badRequest(
    "invalid_filter",
    "Field filters must be [{attr, value}] or {attr: value}",
  );
}

function checkFilter(
  rawAttr: string,
  rawValue: string,
  limits: Bounds,
): AttrFilter {
  const attr = rawAttr.trim();
  const value = rawValue.trim();
  if (attr.length === 0 || value.length === 0) {
    throw badRequest(
      "invalid_filter",
      `Filter ${
        quote(`${rawAttr}:${rawValue}`)
      } needs a non-empty attr and value`,
    );
  }
  if (
    codePointsOver(attr, limits.maxFilterChars) ||
    codePointsOver(value, limits.maxFilterChars)
  ) {
    throw badRequest(
      "invalid_filter",
      `Filter attr and value must be at most ${limits.maxFilterChars} characters`,
    );
  }
  if (!attr.isWellFormed() || !value.isWellFormed()) {
    throw badRequest("invalid_filter", "Filter is not well-formed Unicode");
  }
  return { attr, value };
}

function checkFilterCount(count: number, limits: Bounds): void {
  if (count > limits.maxFilters) {
    throw badRequest(
      "too_many_filters",
      `Too many filters: ${count}, at most ${limits.maxFilters}`,
    );
  }
}

/** True when `text` has more than `max` code points; cheap for huge strings. */
function codePointsOver(text: string, max: number): boolean {
  if (text.length <= max) return false;
  if (text.length > 2 * max) return true;
  let n = 0;
  for (const _ of text) if (++n > max) return true;
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === "string" || typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value));
}
