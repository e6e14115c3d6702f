/**
 * Validates a parsed manifest.json against docs/MODEL.md, collecting every problem.
 * @module
 */

import type { BundleFileKey, BundleManifest } from "./bundle_manifest.ts";

/** The five file keys, in checking order. */
export const FILE_KEYS: readonly BundleFileKey[] = [
  "query",
  "title",
  "image",
  "fusion",
  "keywords",
];

/** A manifest, or the list of what is wrong with it. */
export type ManifestResult =
  | { readonly kind: "ok"; readonly manifest: BundleManifest }
  | { readonly kind: "bad"; readonly problems: readonly string[] };

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const show = (v: unknown) => JSON.stringify(v) ?? String(v);

/** Collects problems while reading typed fields. */
class Checker {
  readonly problems: string[] = [];

  object(parent: Json, key: string, path: string): Json {
    const value = parent[key];
    if (isObject(value)) return value;
    this.problems.push(`${path} must be an object, got ${show(value)}`);
    return {};
  }

  int(
    parent: Json,
    key: string,
    path: string,
    min: number,
    max = 2 ** 31 - 1,
  ): void {
    const v = parent[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      this.problems.push(
        `${path} must be an integer in ${min}..${max}, got ${show(v)}`,
      );
    }
  }

  string(parent: Json, key: string, path: string, pattern?: RegExp): void {
    const v = parent[key];
    if (
      typeof v !== "string" || v === "" ||
      (pattern !== undefined && !pattern.test(v))
    ) {
      this.problems.push(
        `${path} must be ${
          pattern ? `a string matching ${pattern}` : "a non-empty string"
        }, got ${show(v)}`,
      );
    }
  }

  exactly(parent: Json, key: string, path: string, expected: unknown): void {
    if (parent[key] !== expected) {
      this.problems.push(
        `${path} must be ${show(expected)}, got ${show(parent[key])}`,
      );
    }
  }

  triple(
    parent: Json,
    key: string,
    path: string,
    check: (n: number) => boolean,
    what: string,
  ): void {
    const v = parent[key];
    if (
      !Array.isArray(v) || v.length !== 3 ||
      !v.every((n) => typeof n === "number" && check(n))
    ) {
      this.problems.push(`${path} must be 3 numbers ${what}, got ${show(v)}`);
    }
  }
}

/** Checks every field of `value`; the manifest is returned only when all are valid. */
export function validateManifest(value: unknown): ManifestResult {
  if (!isObject(value)) {
    return {
      kind: "bad",
      problems: [`manifest must be a JSON object, got ${show(value)}`],
    };
  }
  const c = new Checker();
  c.exactly(value, "format", "format", "make-bundle/1");
  c.string(value, "name", "name");
  c.string(value, "version", "version");
  c.int(value, "dims", "dims", 1, 65_536);
  checkImage(c, c.object(value, "image", "image"));
  checkText(c, c.object(value, "text", "text"));
  const keywords = c.object(value, "keywords", "keywords");
  const alpha = keywords["alpha"];
  if (typeof alpha !== "number" || !Number.isFinite(alpha) || alpha < 0) {
    c.problems.push(
      `keywords.alpha must be a finite number >= 0, got ${show(alpha)}`,
    );
  }
  checkFiles(c, c.object(value, "files", "files"));
  if (c.problems.length > 0) return { kind: "bad", problems: c.problems };
  return { kind: "ok", manifest: value as unknown as BundleManifest };
}

function checkImage(c: Checker, image: Json): void {
  c.int(image, "width", "image.width", 1, 4096);
  c.int(image, "height", "image.height", 1, 4096);
  c.exactly(image, "layout", "image.layout", "NCHW");
  c.exactly(image, "resize", "image.resize", "area");
  c.triple(image, "mean", "image.mean", Number.isFinite, "(finite)");
  c.triple(
    image,
    "std",
    "image.std",
    (n) => Number.isFinite(n) && n > 0,
    "(> 0)",
  );
  c.triple(
    image,
    "background",
    "image.background",
    (n) => Number.isInteger(n) && n >= 0 && n <= 255,
    "in 0..255",
  );
}

function checkText(c: Checker, text: Json): void {
  c.exactly(text, "tokenizer", "text.tokenizer", "hashed-ngram/1");
  c.int(text, "buckets", "text.buckets", 1, 2 ** 31 - 2);
  c.int(text, "ngramMin", "text.ngramMin", 1, 64);
  c.int(text, "ngramMax", "text.ngramMax", 1, 64);
  if (
    typeof text["ngramMin"] === "number" &&
    typeof text["ngramMax"] === "number" && text["ngramMax"] < text["ngramMin"]
  ) {
    c.problems.push(
      `text.ngramMax (${text["ngramMax"]}) must be >= text.ngramMin (${
        text["ngramMin"]
      })`,
    );
  }
  if (typeof text["words"] !== "boolean") {
    c.problems.push(`text.words must be a boolean, got ${show(text["words"])}`);
  }
  c.int(text, "maxTokens", "text.maxTokens", 1, 65_536);
}

/** Paths must stay inside the bundle folder. */
const SAFE_PATH = /^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[^\\\0]+$/;

function checkFiles(c: Checker, files: Json): void {
  for (const key of FILE_KEYS) {
    const file = c.object(files, key, `files.${key}`);
    if (Object.keys(file).length === 0) continue;
    c.string(file, "path", `files.${key}.path`, SAFE_PATH);
    c.string(file, "sha256", `files.${key}.sha256`, /^[0-9a-f]{64}$/);
  }
}
