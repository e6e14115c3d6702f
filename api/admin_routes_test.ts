import assert from "node:assert/strict";
import { ConflictError } from "../errors.ts";
import type { AdminOptions } from "./app_options.ts";
import { HttpError } from "./http_error.ts";
import { postJson, testApp } from "./_test_app.ts";

function adminApp() {
  const received: unknown[] = [];
  const admin: AdminOptions = {
    token: "s3cret-token",
    actions: {
      snapshot: (body) => {
        received.push(body);
        return Promise.resolve({ path: "snap-1" });
      },
      busy: () =>
        Promise.reject(new HttpError(409, "busy", "A swap is already running")),
      nothing: () => Promise.resolve(undefined),
      upgrade: () => {
        throw new ConflictError("not_ready", "Retry when /readyz is 200", {
          stage: "index",
        });
      },
    },
  };
  return { ...testApp({ admin }), received };
}

const AUTH = { authorization: "Bearer s3cret-token" };

Deno.test("createApp() does not mount admin routes without a token", async () => {
  for (
    const admin of [undefined, {
      token: "",
      actions: { snapshot: () => Promise.resolve(1) },
    }]
  ) {
    const { app } = testApp(admin ? { admin } : {});
    const res = await postJson(app, "/admin/snapshot", {}, {
      authorization: "Bearer ",
    });
    assert.equal(res.status, 404);
    assert.equal((await res.json()).error.code, "not_found");
  }
});

Deno.test("POST /admin/:action answers 401 without the right bearer token", async () => {
  const { app, received } = adminApp();
  const cases: Array<Record<string, string>> = [
    {},
    { authorization: "s3cret-token" },
    { authorization: "Basic s3cret-token" },
    { authorization: "Bearer " },
    { authorization: "Bearer s3cret-tokeN" },
    { authorization: "Bearer s3cret-token-and-more" },
    { authorization: "Bearer s3cret" },
    { authorization: "Bearer s3cret-token extra" },
  ];
  for (const headers of cases) {
    for (const action of ["snapshot", "unknown"]) {
      const res = await postJson(app, `/admin/${action}`, {}, headers);
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="admin"');
      assert.equal((await res.json()).error.code, "unauthorized");
    }
  }
  assert.deepEqual(received, []);
});

Deno.test("POST /admin/:action runs the action with the right token", async () => {
  const { app, received, log } = adminApp();
  const res = await postJson(app, "/admin/snapshot", { reason: "test" }, AUTH);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), {
    action: "snapshot",
    result: { path: "snap-1" },
  });
  const lower = await app.request("/admin/snapshot", {
    method: "POST",
    headers: { authorization: "bearer s3cret-token" },
  });
  assert.equal(lower.status, 200);
  await lower.body?.cancel();
  assert.deepEqual(received, [{ reason: "test" }, undefined]);
  assert.ok(
    log.lines.some((l) =>
      l.event === "admin_action" && l.action === "snapshot"
    ),
  );
  const none = await postJson(app, "/admin/nothing", "", AUTH);
  assert.deepEqual(await none.json(), { action: "nothing", result: null });
});

Deno.test("POST /admin/:action maps unknown actions, bad bodies and action errors to 4xx", async () => {
  const { app, received } = adminApp();
  for (const action of ["unknown", "constructor", "__proto__", "toString"]) {
    const res = await postJson(app, `/admin/${action}`, {}, AUTH);
    assert.equal(res.status, 404, action);
    assert.equal((await res.json()).error.code, "unknown_action");
  }
  const bad = await postJson(app, "/admin/snapshot", "{nope", AUTH);
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).error.code, "invalid_json");
  const busy = await postJson(app, "/admin/busy", {}, AUTH);
  assert.equal(busy.status, 409);
  assert.deepEqual(await busy.json(), {
    error: { code: "busy", message: "A swap is already running" },
  });
  const get = await app.request("/admin/snapshot", { headers: AUTH });
  assert.equal(get.status, 404);
  await get.body?.cancel();
  assert.deepEqual(received, []);
});

Deno.test("POST /admin/:action answers a stage's ConflictError with 409 and its code", async () => {
  const { app } = adminApp();
  const res = await postJson(app, "/admin/upgrade", {}, AUTH);
  assert.equal(res.status, 409);
  assert.deepEqual(await res.json(), {
    error: { code: "not_ready", message: "Retry when /readyz is 200" },
  });
});
