/**
 * One Kafka Metadata request (v10+) on a raw connection, for what kafkajs cannot read:
 * the cluster id together with the topic id (KIP-516, Kafka 2.8+). kafkajs speaks
 * Metadata only up to v6, which has no topic ids. Plaintext connections only, like the
 * rest of the service's Kafka configuration.
 * @module
 */

/** Cluster id and, per topic, its id and partition count; null where unknown. */
export interface ClusterMetadata {
  readonly clusterId: string | null;
  /** False when the broker predates topic ids (Metadata below v10). */
  readonly topicIds: boolean;
  /** `null` topic id: the broker predates topic ids (Metadata below v10). */
  readonly topics: ReadonlyArray<
    {
      name: string;
      topicId: string | null;
      errorCode: number;
      partitions: number;
    }
  >;
}

const API_VERSIONS = 18;
const METADATA = 3;

/** Asks `broker` (`host:port`) for the metadata of `topics`. */
export async function requestMetadata(
  broker: string,
  topics: readonly string[],
  timeoutMs: number,
): Promise<ClusterMetadata> {
  const { hostname, port } = parseBroker(broker);
  const conn = await withDeadline(
    Deno.connect({ hostname, port }),
    timeoutMs,
    () => {},
  );
  try {
    return await withDeadline(
      exchange(conn, topics),
      timeoutMs,
      () => conn.close(),
    );
  } finally {
    try {
      conn.close();
    } catch {
      // Already closed by the deadline.
    }
  }
}

async function exchange(
  conn: Deno.Conn,
  topics: readonly string[],
): Promise<ClusterMetadata> {
  await send(conn, apiVersionsRequest());
  const max = metadataMaxVersion(await receive(conn));
  if (max < 10) {
    // No topic ids before v10: the caller identifies a topic by name and offsets only.
    return { clusterId: null, topicIds: false, topics: [] };
  }
  const version = max >= 12 ? 12 : 10;
  await send(conn, metadataRequest(version, topics));
  return parseMetadata(new Reader(await receive(conn)), version);
}

function parseBroker(broker: string): { hostname: string; port: number } {
  const i = broker.lastIndexOf(":");
  const port = Number(broker.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port)) {
    throw new TypeError(`Cannot parse broker address "${broker}"`);
  }
  return { hostname: broker.slice(0, i).replace(/^\[|\]$/g, ""), port };
}

async function withDeadline<T>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => void,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new Error(`Timed out after ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

// --- framing -------------------------------------------------------------------------

async function send(conn: Deno.Conn, body: Uint8Array): Promise<void> {
  const frame = new Uint8Array(4 + body.length);
  new DataView(frame.buffer).setInt32(0, body.length);
  frame.set(body, 4);
  let written = 0;
  while (written < frame.length) {
    written += await conn.write(frame.subarray(written));
  }
}

/** One response, without its correlation id. */
async function receive(conn: Deno.Conn): Promise<Uint8Array> {
  const size = new DataView((await readExactly(conn, 4)).buffer).getInt32(0);
  if (size < 4 || size > 64 * 1024 * 1024) {
    throw new RangeError(`Kafka response size ${size} is out of range`);
  }
  return (await readExactly(conn, size)).subarray(4);
}

async function readExactly(conn: Deno.Conn, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let filled = 0;
  while (filled < n) {
    const got = await conn.read(out.subarray(filled));
    if (got === null) throw new Error("Kafka broker closed the connection");
    filled += got;
  }
  return out;
}

// --- requests ------------------------------------------------------------------------

class Writer {
  readonly #bytes: number[] = [];
  int8(v: number): this {
    this.#bytes.push(v & 0xff);
    return this;
  }
  int16(v: number): this {
    return this.int8(v >> 8).int8(v);
  }
  int32(v: number): this {
    return this.int16(v >> 16).int16(v);
  }
  uvarint(v: number): this {
    while (v > 0x7f) {
      this.int8((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    return this.int8(v);
  }
  raw(bytes: Uint8Array): this {
    for (const b of bytes) this.#bytes.push(b);
    return this;
  }
  /** Classic string: int16 length. */
  string(s: string): this {
    const b = new TextEncoder().encode(s);
    return this.int16(b.length).raw(b);
  }
  compactString(s: string): this {
    const b = new TextEncoder().encode(s);
    return this.uvarint(b.length + 1).raw(b);
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }
}

const CLIENT_ID = "make-log-identity";

function apiVersionsRequest(): Uint8Array {
  // Header v1: key, version, correlation id, client id; ApiVersions v0 has no body.
  return new Writer().int16(API_VERSIONS).int16(0).int32(1).string(CLIENT_ID)
    .bytes();
}

function metadataRequest(version: number, topics: readonly string[]) {
  // Header v2 (flexible): header v1 plus an empty tag buffer.
  const w = new Writer().int16(METADATA).int16(version).int32(2)
    .string(CLIENT_ID).uvarint(0);
  w.uvarint(topics.length + 1);
  for (const name of topics) {
    w.raw(new Uint8Array(16)).compactString(name).uvarint(0);
  }
  w.int8(0); // allow_auto_topic_creation
  if (version <= 10) w.int8(0); // include_cluster_authorized_operations
  w.int8(0); // include_topic_authorized_operations
  return w.uvarint(0).bytes();
}

// --- responses -----------------------------------------------------------------------

class Reader {
  readonly #view: DataView;
  #at = 0;
  constructor(bytes: Uint8Array) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  }
  int8(): number {
    return this.#view.getInt8(this.#at++);
  }
  int16(): number {
    const v = this.#view.getInt16(this.#at);
    this.#at += 2;
    return v;
  }
  int32(): number {
    const v = this.#view.getInt32(this.#at);
    this.#at += 4;
    return v;
  }
  uvarint(): number {
    let v = 0;
    for (let shift = 0;; shift += 7) {
      const b = this.#view.getUint8(this.#at++);
      v += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return v;
    }
  }
  skip(n: number): void {
    this.#at += n;
  }
  compactString(): string | null {
    const n = this.uvarint();
    if (n === 0) return null;
    const start = this.#view.byteOffset + this.#at;
    this.#at += n - 1;
    return new TextDecoder().decode(
      new Uint8Array(this.#view.buffer, start, n - 1),
    );
  }
  /** A UUID as Kafka prints it (URL-safe base64, no padding); null for the zero UUID. */
  uuid(): string | null {
    const start = this.#view.byteOffset + this.#at;
    const bytes = new Uint8Array(this.#view.buffer, start, 16);
    this.#at += 16;
    if (bytes.every((b) => b === 0)) return null;
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-")
      .replace(/\//g, "_").replace(/=+$/, "");
  }
  compactArray(each: () => void): number {
    const n = this.uvarint();
    for (let i = 1; i < n; i++) each();
    return Math.max(0, n - 1);
  }
  tags(): void {
    const n = this.uvarint();
    for (let i = 0; i < n; i++) {
      this.uvarint();
      this.skip(this.uvarint());
    }
  }
}

function metadataMaxVersion(body: Uint8Array): number {
  const r = new Reader(body);
  const error = r.int16();
  if (error !== 0) throw new Error(`ApiVersions failed: error code ${error}`);
  const n = r.int32();
  for (let i = 0; i < n; i++) {
    const key = r.int16();
    r.int16();
    const max = r.int16();
    if (key === METADATA) return max;
  }
  return -1;
}

function parseMetadata(r: Reader, version: number): ClusterMetadata {
  r.tags(); // response header v1
  r.int32(); // throttle_time_ms
  r.compactArray(() => {
    r.int32();
    r.compactString();
    r.int32();
    r.compactString();
    r.tags();
  });
  const clusterId = r.compactString();
  r.int32(); // controller_id
  const topics: Array<ClusterMetadata["topics"][number]> = [];
  r.compactArray(() => {
    const errorCode = r.int16();
    const name = r.compactString() ?? "";
    const topicId = r.uuid();
    r.int8(); // is_internal
    const partitions = r.compactArray(() => {
      r.int16();
      r.int32();
      r.int32();
      r.int32();
      for (let i = 0; i < 3; i++) r.compactArray(() => r.int32());
      r.tags();
    });
    r.int32(); // topic_authorized_operations
    r.tags();
    topics.push({
      name,
      errorCode,
      partitions,
      // The zero UUID means "no id" (e.g. the topic does not exist).
      topicId,
    });
  });
  if (version <= 10) r.int32(); // cluster_authorized_operations
  return { clusterId, topicIds: true, topics };
}
