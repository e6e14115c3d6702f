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
  /** Discriminant. */
  readonly op: "upsert";
  /** Product id; equals the message key. */
  readonly id: string;
  /** Non-empty product title. */
  readonly title: string;
  /** Where the product image is, if it has one. */
  readonly image?: ImageRef;
  /** Attributes ({} when the event has none). */
  readonly attrs: Attrs;
  /** Monotonic per-product version; an event older than the stored one is ignored. */
  readonly version?: number;
}

/** A product to remove. A Kafka tombstone (null value) becomes one of these. */
export interface ProductDelete {
  /** Discriminant. */
  readonly op: "delete";
  /** Product id; equals the message key. */
  readonly id: string;
  /** Version of the delete; a later upsert at or below it is ignored. */
  readonly version?: number;
}

/** A valid product event. */
export type ProductEvent = ProductUpsert | ProductDelete;

/**
 * What parsing one message gives: a valid event, or why the message is bad (it then
 * goes to the dead-letter topic). The ingest stage produces it, the pipeline consumes it.
 */
export type ParseResult =
  | { readonly kind: "ok"; readonly event: ProductEvent }
  | {
    readonly kind: "bad";
    /** Machine-readable reason, e.g. "invalid_json". */
    readonly reason: string;
    /** Human-readable detail for logs and the dead-letter headers. */
    readonly detail: string;
  };

/** Where a message sits in the log; offsets are decimal strings as Kafka gives them. */
export interface MessagePosition {
  /** Topic name. */
  readonly topic: string;
  /** Partition number. */
  readonly partition: number;
  /** Offset within the partition, as a decimal string. */
  readonly offset: string;
}

/** One raw message from an event source. */
export interface SourceMessage extends MessagePosition {
  /** Message key bytes (the product id), or null. */
  readonly key: Uint8Array | null;
  /** Message value bytes, or null for a tombstone. */
  readonly value: Uint8Array | null;
  /** Message headers, decoded as UTF-8. */
  readonly headers: Readonly<Record<string, string>>;
  /** Broker timestamp of the message, ms since epoch. */
  readonly timestampMs: number;
}

/** Per-product modality weights produced by Modal Adaptation; they sum to 1. */
export interface ModalityWeights {
  /** Weight of the title embedding, 0..1. */
  readonly title: number;
  /** Weight of the image embedding, 0..1; exactly 0 when the product has no usable image. */
  readonly image: number;
}

/** What the index keeps beside each vector. */
export interface ProductRecord {
  /** Product id (the Kafka key). */
  readonly id: string;
  /** Product title as received. */
  readonly title: string;
  /** Attributes as received; filters match them. */
  readonly attrs: Attrs;
  /** Version of the event that produced this record (0 when the event had none). */
  readonly version: number;
  /** Modal Adaptation weights used for this product's vector. */
  readonly weights: ModalityWeights;
  /** Why the image did not contribute, if it did not (e.g. "fetch_failed"). */
  readonly imageSkipped?: string;
  /** File name of the product's thumbnail (a small JPEG kept beside the snapshots), if it has one. */
  readonly thumb?: string;
  /** When the event that produced this record was written to the log, ms since epoch. */
  readonly eventTimeMs: number;
  /** When this record was indexed, ms since epoch. */
  readonly indexedAtMs: number;
}

/** A decoded image, resized and normalised as the model bundle asks: CHW float32. */
export interface ImageTensor {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** Length 3 × width × height, channel-major (NCHW without N). */
  readonly data: Float32Array;
}

/**
 * One product image made ready for the image tower, or why there is none. The encode
 * stage decodes it (narrowing `Reason` to its skip reasons, and adding thumbnail bytes
 * when asked to); the live service stores the thumbnail and names it in `thumb`; the
 * pipeline indexes the tensor, or the product from its title alone.
 */
export type ImageResult<Reason extends string = string> =
  | {
    readonly kind: "ok";
    readonly tensor: ImageTensor;
    /** "jpeg", "png" or "gif", when the image was decoded from bytes. */
    readonly format?: string;
    /** A small JPEG of the decoded pixels, when one was asked for and fits its bounds. */
    readonly thumbnail?: Uint8Array;
    /** File name of the stored thumbnail, once it is stored. */
    readonly thumb?: string;
  }
  | {
    readonly kind: "skipped";
    /** Machine-readable reason, e.g. "fetch_failed". */
    readonly reason: Reason;
    /** Human-readable detail for logs; never contains image bytes. */
    readonly detail: string;
  };

/** An equality filter on one attribute. */
export interface AttrFilter {
  /** Attribute name. */
  readonly attr: string;
  /** Value the attribute must equal, compared as a string. */
  readonly value: string;
}

/** One search result. */
export interface SearchHit {
  /** Product id. */
  readonly id: string;
  /** Cosine similarity to the query; higher is better. */
  readonly score: number;
  /** The stored product. */
  readonly record: ProductRecord;
}
