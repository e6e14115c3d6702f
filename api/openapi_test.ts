import assert from "node:assert/strict";
import { PRODUCTS, testApp } from "./_test_app.ts";
import { DEFAULT_LIMITS } from "./app_options.ts";
import { searchSchemas } from "./api_schema.ts";

type Operation = {
  parameters?: Array<{ name: string; in: string; example?: unknown }>;
  requestBody?: {
    content: Record<string, { examples?: Record<string, { value: unknown }> }>;
  };
};
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
};

const TOKEN = "openapi-test-token-0123456789";

function appWithEverything() {
  return testApp({
    products: [
      ...PRODUCTS,
      {
        id: "p000001",
        title: "Red silk dress",
        attrs: { colour: "red" },
        thumbnail: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]),
      },
    ],
    admin: { token: TOKEN, actions: { snapshot: () => Promise.resolve(1) } },
  });
}

async function document(app: ReturnType<typeof testApp>["app"]): Promise<Doc> {
  const res = await app.request("/openapi.json");
  assert.equal(res.status, 200);
  return await res.json();
}

Deno.test("GET /openapi.json describes every route the app registers", async () => {
  const { app } = appWithEverything();
  const doc = await document(app);
  assert.equal(doc.openapi, "3.1.0");
  const documented = new Set(Object.keys(doc.paths));
  for (const route of app.routes) {
    if (route.path === "/*" || route.path === "*") continue; // middleware
    const path = route.path.replace(/:([A-Za-z]+)/g, "{$1}");
    assert.ok(documented.has(path), `${route.method} ${route.path} is missing`);
    if (route.method !== "ALL") {
      assert.ok(
        doc.paths[path]?.[route.method.toLowerCase()],
        `${route.method} ${path} has no operation`,
      );
    }
  }
  const refs = JSON.stringify(doc).matchAll(/"#\/components\/schemas\/(\w+)"/g);
  for (const [, name] of refs) {
    assert.ok(name && doc.components.schemas[name], `dangling $ref ${name}`);
  }
  const plain = await document(testApp().app);
  assert.equal(plain.paths["/admin/{action}"], undefined, "admin off: absent");
});

Deno.test("every example in /openapi.json is a request the app accepts", async () => {
  const { app } = appWithEverything();
  const doc = await document(app);
  let sent = 0;
  for (const [template, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      let path = template;
      const query = new URLSearchParams();
      for (const p of op.parameters ?? []) {
        if (p.example === undefined) continue;
        if (p.in === "path") {
          path = path.replace(`{${p.name}}`, String(p.example));
        } else {
          for (const v of [p.example].flat()) query.append(p.name, String(v));
        }
      }
      assert.doesNotMatch(
        path,
        /\{/,
        `${template}: a path parameter lacks an example`,
      );
      const url = query.size > 0 ? `${path}?${query}` : path;
      const headers = { authorization: `Bearer ${TOKEN}` };
      const examples = Object.values(
        op.requestBody?.content["application/json"]?.examples ?? {},
      );
      const bodies = examples.length > 0
        ? examples.map((e) => JSON.stringify(e.value))
        : [method === "post" ? "{}" : undefined];
      for (const body of bodies) {
        const res = await app.request(url, {
          method: method.toUpperCase(),
          headers: body
            ? { ...headers, "content-type": "application/json" }
            : headers,
          ...(body ? { body } : {}),
        });
        assert.ok(
          res.status < 300,
          `${method} ${url} ${body ?? ""}: ${res.status}`,
        );
        await res.body?.cancel();
        sent++;
      }
    }
  }
  assert.ok(sent >= 14, `sent ${sent} example requests`);
});

Deno.test("the request schemas' bounds are the bounds the checks enforce", async () => {
  const { app } = testApp();
  const s = searchSchemas(DEFAULT_LIMITS);
  const status = async (path: string) => {
    const res = await app.request(path);
    await res.body?.cancel();
    return res.status;
  };
  const max = s.params.k.maximum;
  assert.equal(await status(`/search?q=red&k=${max}`), 200);
  assert.equal(await status(`/search?q=red&k=${max + 1}`), 400);
  assert.equal(await status(`/search?q=red&k=${s.params.k.minimum}`), 200);
  assert.equal(await status("/search?q=red&k=0"), 400);
  const q = "a".repeat(s.params.q.maxLength);
  assert.equal(await status(`/search?q=${q}`), 200);
  assert.equal(await status(`/search?q=${q}a`), 400);
  const filters = (n: number) =>
    Array.from({ length: n }, (_, i) => `filter=a${i}:x`).join("&");
  assert.equal(
    await status(`/search?q=red&${filters(s.params.filter.maxItems)}`),
    200,
  );
  assert.equal(
    await status(`/search?q=red&${filters(s.params.filter.maxItems + 1)}`),
    400,
  );
  const ef = s.params.ef;
  assert.equal(ef, s.body.properties.ef, "GET and POST share one ef schema");
  assert.deepEqual([ef.minimum, ef.maximum], [10, 10_000]);
  for (const good of [ef.minimum, ef.maximum]) {
    assert.equal(await status(`/search?q=red&ef=${good}`), 200);
  }
  for (const bad of [ef.minimum - 1, ef.maximum + 1]) {
    assert.equal(await status(`/search?q=red&ef=${bad}`), 400);
  }
  for (const name of Object.keys(s.body.properties)) {
    assert.ok(["query", "k", "ef", "filters"].includes(name));
  }
  const get = (await document(app)).paths["/search"]?.get;
  assert.deepEqual(
    get?.parameters?.map((p) => p.name),
    Object.keys(s.params),
    "GET /search documents every parameter the parser reads",
  );
  const unknown = await app.request("/search", {
    method: "POST",
    body: JSON.stringify({ query: "red", extra: 1 }),
    headers: { "content-type": "application/json" },
  });
  assert.equal(unknown.status, 400, "additionalProperties: false holds");
  await unknown.body?.cancel();
});

Deno.test("GET /docs is a readable API page whose Swagger UI files the app serves itself", async () => {
  const { app } = testApp();
  const page = await app.request("/docs");
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.doesNotMatch(html, /https?:\/\//, "nothing loaded from elsewhere");
  for (const [, found] of html.matchAll(/(?:src|href)="([^"]+)"/g)) {
    const src = found ?? "";
    const res = await app.request(src);
    assert.equal(res.status, 200, src);
    assert.ok((await res.arrayBuffer()).byteLength > 100, src);
  }
  const missing = await app.request("/docs/../../etc/passwd");
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
});

Deno.test("GET / is the search page, self-contained", async () => {
  const { app } = testApp();
  const res = await app.request("/");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /text\/html/);
  const html = await res.text();
  assert.match(html, /<input id="q"/);
  assert.doesNotMatch(
    html,
    /(?:src|href)="https?:/,
    "no assets from elsewhere",
  );
});
