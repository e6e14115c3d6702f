/**
 * Types of a model bundle's manifest.json (docs/MODEL.md).
 * @module
 */

import type { TextSpec } from "./text_features.ts";

/** Image tower input, as in the manifest's `image` section. */
export interface ImageSpec {
  /** Tower input width in pixels (W). */
  readonly width: number;
  /** Tower input height in pixels (H). */
  readonly height: number;
  /** Only channel-major layout exists. */
  readonly layout: "NCHW";
  /** Per-channel mean (RGB), on values scaled to 0..1. */
  readonly mean: readonly [number, number, number];
  /** Per-channel standard deviation (RGB), on values scaled to 0..1. */
  readonly std: readonly [number, number, number];
  /** How images are scaled to width × height; only area averaging exists. */
  readonly resize: "area";
  /** RGB 0..255 composited under transparent pixels. */
  readonly background: readonly [number, number, number];
}

/** One file of a bundle and its expected checksum. */
export interface BundleFile {
  /** Path relative to the bundle folder. */
  readonly path: string;
  /** Lower-case hex sha256 of the file's bytes. */
  readonly sha256: string;
}

/** The five files every bundle has. */
export type BundleFileKey = "query" | "title" | "image" | "fusion" | "keywords";

/** A bundle's manifest.json, validated. */
export interface BundleManifest {
  /** Exactly "make-bundle/1". */
  readonly format: "make-bundle/1";
  /** Free text name. */
  readonly name: string;
  /** Recorded with every index and snapshot. */
  readonly version: string;
  /** D: length of every output vector. */
  readonly dims: number;
  /** Image tower input. */
  readonly image: ImageSpec;
  /** Text tokenizer of the query and title towers. */
  readonly text: TextSpec;
  /** Keyword Enhancement settings. */
  readonly keywords: {
    /** Query-time Keyword Enhancement strength. */
    readonly alpha: number;
  };
  /** The bundle's files and their checksums. */
  readonly files: Readonly<Record<BundleFileKey, BundleFile>>;
}
