/**
 * Loads a model bundle folder (docs/MODEL.md): manifest, checksums, ONNX
 * input/output names and shapes, keyword vocabulary. Every problem found is
 * reported at once in one EncodeError.
 * @module
 */

import { join } from "node:path";
import { EncodeError } from "../errors.ts";
import type { BundleManifest } from "./bundle_manifest.ts";
import { type KeywordVocabulary, parseKeywordVocabulary } from "./keywords.ts";
import { FILE_KEYS, validateManifest } from "./_manifest.ts";
import { checkOnnxIo, expectedIo, type GraphKey } from "./_onnx_io.ts";

/** A checked bundle, ready for {@linkcode createEncoders}. */
export interface ModelBundle {
  /** The folder it was loaded from. */
  readonly dir: string;
  /** The validated manifest. */
  readonly manifest: BundleManifest;
  /** The parsed keywords.json. */
  readonly keywords: KeywordVocabulary;
  /** Bytes of each ONNX graph, checksum and IO verified. */
  readonly graphs: Readonly<Record<GraphKey, Uint8Array>>;
}

const GRAPH_KEYS: readonly GraphKey[] = ["query", "title", "image", "fusion"];

/**
 * Reads and verifies the bundle in `dir`.
 * @throws {EncodeError} listing every problem (missing file, checksum mismatch,
 *   invalid manifest field, wrong ONNX input/output name or shape, bad keywords)
 */
export async function loadBundle(dir: string): Promise<ModelBundle> {
  const fail = (problems: readonly string[], cause?: unknown) => {
    const body = problems.length === 1
      ? problems[0]
      : `${problems.length} problems:\n  - ${problems.join("\n  - ")}`;
    return new EncodeError(`Cannot load model bundle "${dir}": ${body}`, {
      cause,
    });
  };
  let raw: unknown;
  try {
    raw = JSON.parse(await Deno.readTextFile(join(dir, "manifest.json")));
  } catch (err: unknown) {
    const why = err instanceof Deno.errors.NotFound
      ? "manifest.json not found"
      : `cannot read manifest.json: ${
        err instanceof Error ? err.message : String(err)
      }`;
    throw fail([why], err);
  }
  const checked = validateManifest(raw);
  if (checked.kind === "bad") throw fail(checked.problems);
  const { manifest } = checked;
  const problems: string[] = [];
  const bytes = await readFiles(dir, manifest, problems);
  const graphs: Partial<Record<GraphKey, Uint8Array>> = {};
  for (const key of GRAPH_KEYS) {
    const data = bytes.get(key);
    if (data === undefined) continue;
    problems.push(
      ...checkOnnxIo(manifest.files[key].path, data, expectedIo(key, manifest)),
    );
    graphs[key] = data;
  }
  const keywords = parseKeywords(manifest, bytes.get("keywords"), problems);
  if (problems.length > 0 || keywords === undefined) throw fail(problems);
  return {
    dir,
    manifest,
    keywords,
    graphs: graphs as Record<GraphKey, Uint8Array>,
  };
}

/** Reads every file and checks its sha256; unreadable files are left out. */
async function readFiles(
  dir: string,
  manifest: BundleManifest,
  problems: string[],
): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const key of FILE_KEYS) {
    const { path, sha256 } = manifest.files[key];
    let data: Uint8Array<ArrayBuffer>;
    try {
      data = await Deno.readFile(join(dir, path));
    } catch (err: unknown) {
      problems.push(
        err instanceof Deno.errors.NotFound
          ? `${path} not found`
          : `cannot read ${path}: ${
            err instanceof Error ? err.message : String(err)
          }`,
      );
      continue;
    }
    const actual = await sha256Hex(data);
    if (actual !== sha256) {
      problems.push(
        `${path} sha256 mismatch (expected ${sha256}, got ${actual})`,
      );
    }
    out.set(key, data);
  }
  return out;
}

function parseKeywords(
  manifest: BundleManifest,
  data: Uint8Array | undefined,
  problems: string[],
): KeywordVocabulary | undefined {
  if (data === undefined) return undefined;
  const path = manifest.files.keywords.path;
  try {
    return parseKeywordVocabulary(JSON.parse(new TextDecoder().decode(data)));
  } catch (err: unknown) {
    problems.push(
      `${path}: ${err instanceof Error ? err.message : String(err)}`,
    );
    return undefined;
  }
}

/** Lower-case hex sha256 of `data`. */
export async function sha256Hex(
  data: Uint8Array<ArrayBuffer>,
): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
