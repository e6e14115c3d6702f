/**
 * Product routes: `GET /products/:id` (the stored record and its image link) and
 * `GET /products/:id/image` (the product's JPEG thumbnail, made at ingest).
 * @module
 */

import type { Hono } from "hono";
import type { ProductRecord } from "../types.ts";
import type { AppLimits, Searcher } from "./app_options.ts";
import type { AppEnv } from "./error_response.ts";
import { HttpError, notReady, quote } from "./http_error.ts";

/** Path of a product's image, or null when it has none the app can serve. */
export function imagePath(
  record: ProductRecord,
  searcher: Searcher,
): string | null {
  return record.thumb !== undefined && searcher.thumbnail !== undefined
    ? `/products/${encodeURIComponent(record.id)}/image`
    : null;
}

/** Adds the product routes to `app`. */
export function mountProducts(
  app: Hono<AppEnv>,
  searcher: Searcher,
  limits: AppLimits,
): void {
  const find = (id: string): ProductRecord => {
    if (
      id.length > limits.maxIdChars * 2 || [...id].length > limits.maxIdChars
    ) {
      throw new HttpError(
        400,
        "invalid_id",
        `Product id is longer than ${limits.maxIdChars} characters`,
      );
    }
    if (!searcher.ready) throw notReady();
    const record = searcher.get(id);
    if (!record) {
      throw new HttpError(404, "not_found", `No product with id ${quote(id)}`);
    }
    return record;
  };
  app.get("/products/:id", (c) => {
    const found = find(c.req.param("id"));
    const { thumb: _file, ...record } = found;
    return c.json({ ...record, image: imagePath(found, searcher) });
  });
  app.get("/products/:id/image", async (c) => {
    const record = find(c.req.param("id"));
    const noImage = () =>
      new HttpError(
        404,
        "no_image",
        `Product ${quote(record.id)} has no image`,
      );
    if (imagePath(record, searcher) === null) throw noImage();
    const etag = `"${record.thumb}"`;
    const headers = {
      "content-type": "image/jpeg",
      "cache-control": "public, max-age=300",
      etag,
    };
    if (c.req.header("if-none-match") === etag) {
      return c.body(null, 304, headers);
    }
    const bytes = await searcher.thumbnail?.(record);
    if (bytes === undefined) throw noImage();
    return c.body(bytes.slice().buffer, 200, headers);
  });
}
