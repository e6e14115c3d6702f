/**
 * The API description: `GET /openapi.json` (OpenAPI 3.1) and `GET /docs`, a readable
 * page rendered by Swagger UI whose files come from the pinned `swagger-ui-dist` npm
 * package and are served by this app, so the page works without the internet.
 * @module
 */

import type { Hono } from "hono";
import type { AppEnv } from "./error_response.ts";
import { HttpError } from "./http_error.ts";

/** Swagger UI files the page loads, with their content types. */
const FILES: Readonly<Record<string, string>> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>make-indexer API</title>
<link rel="icon" href="/docs/favicon-32x32.png">
<link rel="stylesheet" href="/docs/swagger-ui.css">
<style>body{margin:0} .topbar{display:none}</style>
</head>
<body>
<div id="ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#ui",
  validatorUrl: null,
  deepLinking: true,
  tryItOutEnabled: true,
});
</script>
</body>
</html>
`;

/** Adds `/openapi.json`, `/docs` and `/docs/:file` to `app`. */
export function mountDocs(
  app: Hono<AppEnv>,
  document: Record<string, unknown>,
): void {
  const text = JSON.stringify(document, null, 2);
  const cache = new Map<string, Promise<Uint8Array>>();
  app.get(
    "/openapi.json",
    (c) =>
      c.body(text, 200, { "content-type": "application/json; charset=utf-8" }),
  );
  app.get("/docs", (c) => c.html(PAGE));
  app.get("/docs/:file", async (c) => {
    const file = c.req.param("file");
    const type = FILES[file];
    if (type === undefined) {
      throw new HttpError(404, "not_found", "No such route");
    }
    let bytes = cache.get(file);
    if (bytes === undefined) {
      bytes = readPackageFile(file);
      cache.set(file, bytes);
      bytes.catch(() => cache.delete(file));
    }
    return c.body((await bytes).slice().buffer, 200, {
      "content-type": type,
      "cache-control": "public, max-age=86400",
    });
  });
}

/** A file of the swagger-ui-dist package, from the local npm cache or node_modules. */
async function readPackageFile(file: string): Promise<Uint8Array> {
  const url = new URL(import.meta.resolve(`swagger-ui-dist/${file}`));
  if (url.protocol !== "file:") {
    throw new Error(
      `Cannot serve Swagger UI file "${file}": the package resolved to ${url.href}, not a local file (run deno install)`,
    );
  }
  return await Deno.readFile(url);
}
