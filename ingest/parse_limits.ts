/**
 * Size limits of event parsing, and their defaults; shared by `parseEvent` and its
 * field checks.
 * @module
 */

/** Size limits of `parseEvent` (parse_event.ts). */
export interface ParseLimits {
  /** Product id, UTF-8 bytes. @default 256 */
  readonly maxIdBytes: number;
  /** Title, characters. @default 1000 */
  readonly maxTitleChars: number;
  /** Whole message value, bytes. @default 16777216 */
  readonly maxValueBytes: number;
  /** Inline base64 image, characters (14 Mi ≈ 10 MiB of image). @default 14680064 */
  readonly maxImageBase64Chars: number;
  /** Image URL, characters. @default 2048 */
  readonly maxUrlChars: number;
  /** Image path, characters. @default 1024 */
  readonly maxPathChars: number;
  /** Attributes per product. @default 64 */
  readonly maxAttrs: number;
  /** Attribute name, characters. @default 64 */
  readonly maxAttrKeyChars: number;
  /** Attribute string value, characters. @default 1000 */
  readonly maxAttrValueChars: number;
}

/** The defaults of {@linkcode ParseLimits}. */
export const DEFAULT_PARSE_LIMITS: ParseLimits = Object.freeze({
  maxIdBytes: 256,
  maxTitleChars: 1000,
  maxValueBytes: 16 * 1024 * 1024,
  maxImageBase64Chars: 14 * 1024 * 1024,
  maxUrlChars: 2048,
  maxPathChars: 1024,
  maxAttrs: 64,
  maxAttrKeyChars: 64,
  maxAttrValueChars: 1000,
});
