/**
 * POST /admin/:action — operator actions (snapshot, swap, reindex…) behind a bearer
 * token. The caller mounts these only when a token is configured.
 * @module
 */

import { createHash, timingSafeEqual } from "node:crypto";
import { Hono } from "hono";
import type { Logger } from "../log.ts";
import type { AdminOptions } from "./app_options.ts";
import { HttpError, quote } from "./http_error.ts";
import { readJsonBody } from "./read_json_body.ts";

/** Options of {@linkcode adminRoutes}. */
export interface AdminRoutesOptions {
  readonly maxBodyBytes: number;
  readonly log: Logger;
}

/**
 * A Hono sub-app with POST /:action. Auth is checked before the action name, so an
 * unauthenticated caller learns nothing about which actions exist.
 * @throws {RangeError} when the token is empty
 */
export function adminRoutes(
  admin: AdminOptions,
  options: AdminRoutesOptions,
): Hono {
  if (admin.token.length === 0) {
    throw new RangeError("Cannot mount admin routes: token is empty");
  }
  const expected = digest(admin.token);
  const app = new Hono();
  app.post("/:action", async (c) => {
    if (!authorised(c.req.header("authorization"), expected)) {
      c.header("WWW-Authenticate", 'Bearer realm="admin"');
      throw new HttpError(
        401,
        "unauthorized",
        "Admin requests need Authorization: Bearer <token>",
      );
    }
    const name = c.req.param("action");
    const action = Object.hasOwn(admin.actions, name)
      ? admin.actions[name]
      : undefined;
    if (!action) {
      throw new HttpError(
        404,
        "unknown_action",
        `No admin action ${quote(name)}`,
      );
    }
    const body = await readJsonBody(c.req.raw, {
      maxBytes: options.maxBodyBytes,
      allowEmpty: true,
    });
    options.log.info("admin_action", { action: name });
    const result = await action(body);
    return c.json({ action: name, result: result ?? null });
  });
  return app;
}

function authorised(header: string | undefined, expected: Uint8Array): boolean {
  const match = header?.match(/^Bearer[ \t]+(\S+)[ \t]*$/i);
  const token = match?.[1];
  if (token === undefined) return false;
  // Equal-length digests make the comparison independent of the token's length
  return timingSafeEqual(digest(token), expected);
}

function digest(text: string): Uint8Array {
  return createHash("sha256").update(text, "utf8").digest();
}
