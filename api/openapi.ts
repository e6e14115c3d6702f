/**
 * The OpenAPI 3.1 description of the HTTP app, served at `/openapi.json`. Request
 * schemas are the ones the parsers check against (`api_schema.ts`); the examples are
 * requests a test sends to the app.
 * @module
 */

import type { AppLimits } from "./app_options.ts";
import { type JsonSchema, searchSchemas } from "./api_schema.ts";

/** What varies between deployments of the app. */
export interface OpenApiOptions {
  /** Whether `/admin/{action}` is mounted. */
  readonly admin: boolean;
}

const json = (schema: JsonSchema) => ({
  content: { "application/json": { schema } },
});
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = (description: string) => ({
  description,
  ...json(ref("Error")),
});
const HTML = { content: { "text/html": { schema: { type: "string" } } } };

/** Example requests of GET and POST /search; a test sends each one. */
const SEARCH_EXAMPLES = {
  get: { q: "red dress", k: 5, filter: ["colour:red"] },
  post: {
    simple: { query: "red dress" },
    filterList: {
      query: "red dress",
      k: 5,
      filters: [{ attr: "colour", value: "red" }],
    },
    deeper: { query: "red dress", ef: 256 },
    filterObject: { query: "sneakers", filters: { colour: "white" } },
  },
} as const;

/** The document for an app with these limits. */
export function openApiDocument(
  limits: AppLimits,
  options: OpenApiOptions,
): Record<string, unknown> {
  const s = searchSchemas(limits);
  const paths: Record<string, unknown> = {
    "/": { get: page("The search page (HTML, no build step)") },
    "/docs": { get: page("This API description, readable (Swagger UI)") },
    "/docs/{file}": {
      get: {
        summary: "Swagger UI's own files, served locally",
        parameters: [pathParam("file", "swagger-ui.css")],
        responses: { 200: { description: "The file" }, 404: error("None") },
      },
    },
    "/openapi.json": {
      get: {
        summary: "This document",
        responses: { 200: json({ type: "object" }) },
      },
    },
    "/search": { get: searchGet(s), post: searchPost() },
    "/products/{id}": {
      get: {
        summary: "One product's stored record",
        parameters: [pathParam("id", "p000001")],
        responses: {
          200: { description: "The record", ...json(ref("Product")) },
          400: error("Id too long"),
          404: error("No such product"),
          503: error("Index not loaded yet"),
        },
      },
    },
    "/products/{id}/image": {
      get: {
        summary: "The product's thumbnail (JPEG, at most 192 px a side)",
        parameters: [pathParam("id", "p000001")],
        responses: {
          200: {
            description: "The thumbnail; its ETag changes with the image",
            content: { "image/jpeg": { schema: { type: "string" } } },
          },
          304: { description: "Not modified (If-None-Match)" },
          404: error(
            "No such product (not_found) or it has no image (no_image)",
          ),
          503: error("Index not loaded yet"),
        },
      },
    },
    "/healthz": {
      get: {
        summary: "Liveness: 200 while the process runs",
        responses: { 200: json({ type: "object" }) },
      },
    },
    "/readyz": {
      get: {
        summary: "Readiness: 200 once an index is live and caught up",
        responses: {
          200: json({ type: "object" }),
          503: error("Not ready"),
        },
      },
    },
    "/stats": {
      get: {
        summary:
          "Pipeline and index figures: indexed, consumed, lag, last event age, encoder, model, search latency",
        responses: { 200: json({ type: "object" }) },
      },
    },
    "/metrics": {
      get: {
        summary: "Prometheus metrics (text format 0.0.4)",
        responses: {
          200: { content: { "text/plain": { schema: { type: "string" } } } },
        },
      },
    },
  };
  if (options.admin) paths["/admin/{action}"] = { post: admin() };
  return {
    openapi: "3.1.0",
    info: {
      title: "make-indexer search API",
      version: "1",
      description:
        "Keyword-enhanced multimodal product retrieval (MAKE) over a live index fed from Kafka.",
    },
    paths,
    components: {
      schemas: {
        SearchRequest: s.body,
        Filter: s.filter,
        SearchResponse: SEARCH_RESPONSE,
        Hit: HIT,
        Product: PRODUCT,
        Error: ERROR,
      },
      ...(options.admin
        ? { securitySchemes: { admin: { type: "http", scheme: "bearer" } } }
        : {}),
    },
  };
}

function page(summary: string) {
  return { summary, responses: { 200: { description: "HTML", ...HTML } } };
}

function pathParam(name: string, example: string) {
  return {
    name,
    in: "path",
    required: true,
    schema: { type: "string" },
    example,
  };
}

function searchGet(s: ReturnType<typeof searchSchemas>) {
  const ex = SEARCH_EXAMPLES.get;
  return {
    summary: "Search with query parameters",
    parameters: [
      {
        name: "q",
        in: "query",
        required: true,
        schema: s.params.q,
        example: ex.q,
      },
      { name: "k", in: "query", schema: s.params.k, example: ex.k },
      { name: "ef", in: "query", schema: s.params.ef },
      {
        name: "filter",
        in: "query",
        schema: s.params.filter,
        style: "form",
        explode: true,
        example: ex.filter,
      },
    ],
    responses: searchResponses(),
  };
}

function searchPost() {
  return {
    summary: "Search with a JSON body",
    requestBody: {
      required: true,
      content: {
        "application/json": {
          schema: ref("SearchRequest"),
          examples: Object.fromEntries(
            Object.entries(SEARCH_EXAMPLES.post).map(([k, value]) => [
              k,
              { value },
            ]),
          ),
        },
      },
    },
    responses: {
      ...searchResponses(),
      413: error(`Body over the size limit`),
    },
  };
}

function searchResponses() {
  return {
    200: { description: "Hits, best first", ...json(ref("SearchResponse")) },
    400: error(
      "Bad query, k, filter, parameter or field (error.code says which)",
    ),
    503: error("Index not loaded yet, or query encoding timed out"),
  };
}

function admin() {
  return {
    summary: "Admin action: snapshot, compact or reindex",
    security: [{ admin: [] }],
    parameters: [pathParam("action", "snapshot")],
    requestBody: json({ type: "object" }),
    responses: {
      200: json({ type: "object", properties: { result: {} } }),
      401: error("Missing or wrong token"),
      404: error("No such action"),
    },
  };
}

const WEIGHTS = {
  type: "object",
  description:
    "Modal Adaptation weights of the product: how much its title and its image count (sum to 1)",
  properties: { title: { type: "number" }, image: { type: "number" } },
  required: ["title", "image"],
};

const ATTRS = {
  type: "object",
  additionalProperties: { type: ["string", "number", "boolean"] },
};

const IMAGE = {
  type: ["string", "null"],
  description:
    "Path of the product's thumbnail (/products/{id}/image), null when it has none",
};

const HIT = {
  type: "object",
  required: [
    "id",
    "score",
    "title",
    "attrs",
    "weights",
    "keywords",
    "lexical",
    "image",
  ],
  properties: {
    id: { type: "string" },
    score: {
      type: "number",
      minimum: 0,
      description:
        "Cosine (clamped at 0) + keyword boost + weighted lexical match; higher is better",
    },
    title: { type: "string" },
    attrs: ATTRS,
    weights: WEIGHTS,
    keywords: {
      type: "array",
      items: { type: "string" },
      description: "Query keywords found in the product's title or attributes",
    },
    lexical: {
      type: "number",
      minimum: 0,
      maximum: 1,
      description: "BM25 match of the query in the product's text, 0..1",
    },
    image: IMAGE,
  },
};

const SEARCH_RESPONSE = {
  type: "object",
  required: ["hits", "took_ms", "index"],
  properties: {
    hits: { type: "array", items: ref("Hit") },
    took_ms: {
      type: "number",
      description: "Time the search took in the service, ms",
    },
    index: {
      type: "object",
      description:
        "The index the hits came from: its version (changes on every swap), size and model",
      properties: {
        version: { type: "string" },
        size: { type: "integer" },
        model_version: { type: "string" },
      },
      required: ["version", "size"],
    },
    notice: {
      type: "string",
      description:
        "Why there are no or few hits, when the service can tell (no usable words, unknown filter attribute)",
    },
  },
};

const PRODUCT = {
  type: "object",
  required: [
    "id",
    "title",
    "attrs",
    "version",
    "weights",
    "eventTimeMs",
    "indexedAtMs",
    "image",
  ],
  properties: {
    id: { type: "string" },
    title: { type: "string" },
    attrs: ATTRS,
    version: { type: "integer" },
    weights: WEIGHTS,
    imageSkipped: {
      type: "string",
      description: "Why the image did not count",
    },
    eventTimeMs: { type: "number" },
    indexedAtMs: { type: "number" },
    image: IMAGE,
  },
};

const ERROR = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        request_id: { type: "string" },
      },
    },
  },
};
