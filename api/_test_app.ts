/**
 * Shared set-up for the serve tests: an app over the fakes with a small catalogue.
 * @module
 */

import { createMemoryLogger } from "../log.ts";
import { Metrics } from "../metrics.ts";
import { createApp } from "./app.ts";
import type { AppOptions } from "./app_options.ts";
import { type FakeProduct, FakeQueryEncoder, FakeSearcher } from "./testing.ts";

/** A small catalogue with colours and categories in titles and attrs. */
export const PRODUCTS: readonly FakeProduct[] = [
  {
    id: "p1",
    title: "Red summer dress",
    attrs: { color: "red", category: "dress" },
  },
  {
    id: "p2",
    title: "Blue denim jacket",
    attrs: { color: "blue", category: "jacket" },
  },
  {
    id: "p3",
    title: "Crimson evening gown",
    attrs: { color: "red", category: "dress" },
  },
  {
    id: "p4",
    title: "Red running shoes",
    attrs: { color: "red", category: "shoes", size: 42 },
  },
  {
    id: "p5",
    title: "White cotton shirt",
    attrs: { color: "white", category: "shirt" },
  },
  {
    id: "p6",
    title: "Black leather bag",
    attrs: { color: "black", category: "bag" },
  },
];

/** Everything a test may want to inspect. */
export interface TestApp {
  readonly app: ReturnType<typeof createApp>;
  readonly searcher: FakeSearcher;
  readonly encoder: FakeQueryEncoder;
  readonly metrics: Metrics;
  readonly log: ReturnType<typeof createMemoryLogger>;
}

/** An app over the fakes; `overrides` replace any option. */
export function testApp(
  overrides: Partial<AppOptions> & { products?: readonly FakeProduct[] } = {},
): TestApp {
  const encoder = new FakeQueryEncoder({
    vocabulary: ["red", "blue", "dress", "shoes", "navy blue", "jacket"],
  });
  const searcher = new FakeSearcher(encoder, overrides.products ?? PRODUCTS);
  const metrics = new Metrics();
  const log = createMemoryLogger();
  let tick = 0;
  const app = createApp({
    searcher,
    encoder,
    stats: () => ({ indexed: searcher.info().size, consumed: 7 }),
    metrics,
    log,
    now: () => tick++,
    ...overrides,
  });
  return { app, searcher, encoder, metrics, log };
}

/** POST JSON (or a raw string) to `path`. */
export function postJson(
  app: TestApp["app"],
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return Promise.resolve(app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  }));
}
