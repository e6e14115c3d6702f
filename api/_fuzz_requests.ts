/**
 * A seeded generator of random and malformed HTTP requests for the serve fuzz test.
 * @module
 */

/** A small, fast, seedable PRNG (mulberry32) returning floats in [0, 1). */
export { mulberry32 } from "../random.ts";

type Rand = () => number;

const METHODS =
  "GET GET GET POST POST HEAD PUT DELETE PATCH OPTIONS get FROB M-SEARCH".split(
    " ",
  );
const PATHS =
  "/search /search /search /search/ /products/p1 /products/ /products/%00 /products/%E0%A4%A /products/..%2F..%2Fetc%2Fpasswd /healthz /readyz /stats /metrics /admin/snapshot /admin/ /admin/constructor /admin/__proto__ / //search /SEARCH /search;a=b /%2e%2e/ /products/p1/extra /favicon.ico /search%00"
    .split(" ");
const PARAMS = [
  "q",
  "q",
  "q",
  "k",
  "k",
  "filter",
  "filter",
  "filters",
  "",
  "Q",
  "q[]",
  "__proto__",
  "%",
  "k%00",
];
const STRINGS = [
  "red dress",
  "",
  " ",
  "%",
  "%%",
  "%zz",
  "%ED%A0%80",
  "%F0%9F%98%80",
  "%FF%FE",
  "\u0000",
  "😀",
  "\uFFFF",
  "a:b",
  ":",
  "color:red",
  "x:",
  ":y",
  "0",
  "-1",
  "1.5",
  "1e3",
  "100",
  "101",
  "NaN",
  "Infinity",
  "9".repeat(40),
  "true",
  "null",
  "[]",
  "{}",
  "'; DROP TABLE x; --",
  "<script>",
  "\\",
  "+",
  "&",
  "=",
  "\r\n",
  "\u202e",
  "a".repeat(600),
  "ab:".repeat(100),
];
const CONTENT_TYPES = [
  "application/json",
  "text/plain",
  "",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json; charset=latin1",
];

function pick<T>(rand: Rand, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}

function int(rand: Rand, max: number): number {
  return Math.floor(rand() * max);
}

function randomText(rand: Rand, maxLen: number): string {
  const len = int(rand, maxLen);
  let s = "";
  for (let i = 0; i < len; i++) {
    const r = rand();
    const cp = r < 0.6
      ? 32 + int(rand, 95)
      : r < 0.8
      ? int(rand, 0x800)
      : r < 0.95
      ? int(rand, 0xd800)
      : 0x10000 + int(rand, 0xfffff);
    s += String.fromCodePoint(cp);
  }
  return s;
}

function randomValue(rand: Rand): string {
  const r = rand();
  if (r < 0.55) return pick(rand, STRINGS);
  if (r < 0.9) return randomText(rand, 30);
  if (r < 0.97) return pick(rand, STRINGS).repeat(1 + int(rand, 300));
  return "x".repeat(10_000 + int(rand, 100_000));
}

function randomQuery(rand: Rand): string {
  const n = int(rand, 6);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = rand() < 0.9 ? pick(rand, PARAMS) : randomText(rand, 8);
    const raw = rand() < 0.3; // raw: put odd bytes in without escaping
    const value = randomValue(rand);
    parts.push(
      raw
        ? `${name}=${value}`
        : `${encodeURIComponent(name)}=${safeEncode(value)}`,
    );
  }
  return parts.length === 0 ? "" : "?" + parts.join("&");
}

function safeEncode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    // lone surrogates cannot be URI-encoded; send them unescaped instead
    return value;
  }
}

function randomJson(rand: Rand, depth: number): unknown {
  const r = rand();
  if (depth > 3 || r < 0.3) {
    return pick(rand, [
      randomValue(rand),
      int(rand, 2000) - 500,
      rand(),
      true,
      null,
      1e308,
      -0,
    ]);
  }
  if (r < 0.5) {
    return Array.from(
      { length: int(rand, 5) },
      () => randomJson(rand, depth + 1),
    );
  }
  const obj: Record<string, unknown> = {};
  const keys = [
    "query",
    "query",
    "k",
    "filters",
    "attr",
    "value",
    "q",
    "__proto__",
    "constructor",
    randomText(rand, 6),
  ];
  for (let i = int(rand, 5); i > 0; i--) {
    obj[pick(rand, keys)] = randomJson(rand, depth + 1);
  }
  return obj;
}

function randomSearchBody(rand: Rand): unknown {
  const body: Record<string, unknown> = {
    query: rand() < 0.8 ? randomValue(rand) : randomJson(rand, 2),
  };
  if (rand() < 0.6) {
    body.k = rand() < 0.7 ? int(rand, 150) - 10 : randomJson(rand, 3);
  }
  if (rand() < 0.5) {
    body.filters = rand() < 0.5
      ? Array.from(
        { length: int(rand, 12) },
        () => ({ attr: randomValue(rand), value: randomJson(rand, 3) }),
      )
      : Object.fromEntries(
        Array.from(
          { length: int(rand, 12) },
          () => [randomValue(rand), randomJson(rand, 3)],
        ),
      );
  }
  if (rand() < 0.1) body[randomText(rand, 5)] = 1;
  return body;
}

function randomBody(rand: Rand): BodyInit | undefined {
  const r = rand();
  if (r < 0.1) return undefined;
  if (r < 0.55) return JSON.stringify(randomSearchBody(rand));
  if (r < 0.7) return JSON.stringify(randomJson(rand, 0));
  if (r < 0.8) {
    return JSON.stringify(randomSearchBody(rand)).slice(0, int(rand, 40));
  }
  if (r < 0.9) return crypto.getRandomValues(new Uint8Array(int(rand, 2000)));
  if (r < 0.95) return "[".repeat(int(rand, 20_000));
  return JSON.stringify({ query: "x".repeat(int(rand, 40_000)) });
}

function randomPath(rand: Rand): string {
  return "/" + safeEncode(randomText(rand, 20)).replaceAll("%2F", "/");
}

/** One random request; may be malformed in any way a real client could send. */
export function randomRequest(rand: Rand): Request {
  const r = rand();
  const search = r < 0.6;
  const method = search && rand() < 0.9
    ? pick(rand, ["GET", "POST"])
    : pick(rand, METHODS);
  const path = search
    ? "/search"
    : r < 0.9
    ? pick(rand, PATHS)
    : randomPath(rand);
  const headers = new Headers();
  if (rand() < 0.7) headers.set("content-type", pick(rand, CONTENT_TYPES));
  if (rand() < 0.3) {
    headers.set(
      "authorization",
      pick(rand, [
        "Bearer fuzz-token",
        "Bearer wrong",
        "Bearer",
        "Basic x",
        "bearer  fuzz-token ",
      ]),
    );
  }
  if (rand() < 0.05) {
    headers.set(
      "content-length",
      pick(rand, ["-1", "abc", "1e9", "0", "99999999999999999999"]),
    );
  }
  const hasBody = method !== "GET" && method !== "HEAD" && method !== "get";
  return new Request(`http://localhost${path}${randomQuery(rand)}`, {
    method,
    headers,
    ...(hasBody ? { body: randomBody(rand) ?? null } : {}),
  });
}
