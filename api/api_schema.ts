/**
 * The search request schemas (JSON Schema 2020-12), built from the app's limits. They
 * are the one source of truth for what a request may hold: the parsers in
 * `search_request.ts` take their parameter and field names, bounds and defaults from
 * here, and `/openapi.json` publishes these same objects.
 * @module
 */

import { OPTIONS } from "../config.ts";
import type { AppLimits } from "./app_options.ts";

/** A JSON Schema object (the subset this API uses). */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** Schemas of the search request, GET and POST. */
export interface SearchSchemas {
  /** GET /search query parameters by name. */
  readonly params: {
    readonly q: JsonSchema & { maxLength: number };
    readonly k: JsonSchema & { maximum: number; default: number };
    readonly ef: JsonSchema & { minimum: number; maximum: number };
    readonly filter: JsonSchema & { maxItems: number };
  };
  /** POST /search body. */
  readonly body: JsonSchema & {
    properties: {
      query: JsonSchema & { maxLength: number };
      k: JsonSchema & { maximum: number; default: number };
      ef: JsonSchema & { minimum: number; maximum: number };
      filters: JsonSchema;
    };
  };
  /** One attribute filter in a POST body. */
  readonly filter: JsonSchema & {
    properties: {
      attr: JsonSchema & { maxLength: number };
      value: JsonSchema;
    };
  };
}

/** The request schemas for `limits`. */
export function searchSchemas(limits: AppLimits): SearchSchemas {
  const text = (description: string, max: number) => ({
    type: "string",
    minLength: 1,
    maxLength: max,
    description,
  });
  const k = {
    type: "integer",
    minimum: 1,
    maximum: limits.maxK,
    default: limits.defaultK,
    description: "Number of hits",
  };
  const expansion = OPTIONS.index.expansionSearch;
  const ef = {
    type: "integer",
    minimum: expansion.min,
    maximum: expansion.max,
    description:
      `Search depth (HNSW ef) for this request: higher finds more of the true nearest products at a higher cost; the index explores max(ef, candidate pool). Default: the server's INDEX_EXPANSION_SEARCH (${expansion.default} unless configured)`,
  };
  const query = text(
    "Query text; trimmed, lengths in Unicode code points",
    limits.maxQueryChars,
  );
  const filter = {
    type: "object",
    additionalProperties: false,
    required: ["attr", "value"],
    properties: {
      attr: text("Attribute name", limits.maxFilterChars),
      value: {
        type: ["string", "number", "boolean"],
        description:
          `Value the attribute must equal (case-insensitively, as a string of at most ${limits.maxFilterChars} characters)`,
      },
    },
  };
  return {
    params: {
      q: query,
      k,
      ef,
      filter: {
        type: "array",
        maxItems: limits.maxFilters,
        items: {
          type: "string",
          pattern: "^[^:]+:.+$",
          description: "attr:value",
        },
        description:
          "Attribute filters (attr:value), ANDed; repeat the parameter",
      },
    },
    body: {
      type: "object",
      additionalProperties: false,
      required: ["query"],
      properties: {
        query,
        k,
        ef,
        filters: {
          description:
            "Attribute filters, ANDed: a list of {attr, value} or an object {attr: value}",
          oneOf: [
            {
              type: "array",
              maxItems: limits.maxFilters,
              items: { $ref: "#/components/schemas/Filter" },
            },
            {
              type: "object",
              maxProperties: limits.maxFilters,
              additionalProperties: { type: ["string", "number", "boolean"] },
            },
          ],
        },
      },
    },
    filter,
  };
}
