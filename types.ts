/**
 * Data passed between stages. Stages depend on these types, never on each other.
 * @module
 */

/** Where a product's image comes from. Exactly one field is set. */
export type ImageRef =
  | { readonly url: string }
  | { readonly path: string }
  | { readonly base64: string };

/** Attribute values a product may carry; filters compare them as strings. */
export type AttrValue = string | number | boolean;

/** Free-form product attributes (category, colour, brand, …). */
export type Attrs = Readonly<Record<string, AttrValue>>;

/** A product to insert or replace. */
export interface ProductUpsert {
  readonly op: "upsert";
  readonly id: string;
  readonly title: string;
  readonly image?: ImageRef;
  readonly attrs: Attrs;
  /** Monotonic per-product version; an event older than the stored one is ignored. */
  readonly version?: number;
}

/** A product to remove. A Kafka tombstone (null value) becomes one of these. */
export interface ProductDelete {
  readonly op: "delete";
  readonly id: string;
  readonly version?: number;
}

/** A valid product event. */
export type ProductEvent = ProductUpsert | ProductDelete;

/** Where a message sits in the log; offsets are decimal strings as Kafka gives them. */
export interface MessagePosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** One raw message from an event source. */
export interface SourceMessage extends MessagePosition {
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: Readonly<Record<string, string>>;
  /** Broker timestamp of the message, ms since epoch. */
  readonly timestampMs: number;
}

/** Per-product modality weights produced by Modal Adaptation; they sum to 1. */
export interface ModalityWeights {
  readonly title: number;
  readonly image: number;
}

/** What the index keeps beside each vector. */
export interface ProductRecord {
  readonly id: string;
  readonly title: string;
  readonly attrs: Attrs;
  readonly version: number;
  readonly weights: ModalityWeights;
  /** Why the image did not contribute, if it did not (e.g. "fetch_failed"). */
  readonly imageSkipped?: string;
  /** When the event that produced this record was written to the log, ms since epoch. */
  readonly eventTimeMs: number;
  /** When this record was indexed, ms since epoch. */
  readonly indexedAtMs: number;
}

/** A decoded image, resized and normalised as the model bundle asks: CHW float32. */
export interface ImageTensor {
  readonly width: number;
  readonly height: number;
  /** Length 3 × width × height, channel-major (NCHW without N). */
  readonly data: Float32Array;
}

/** An equality filter on one attribute. */
export interface AttrFilter {
  readonly attr: string;
  readonly value: string;
}

/** One search result. */
export interface SearchHit {
  readonly id: string;
  readonly score: number;
  readonly record: ProductRecord;
}
