/**
 * kafkajs message → {@linkcode SourceMessage}.
 * @module
 */
import type { KafkaMessage } from "kafkajs";
import type { SourceMessage } from "../types.ts";

const utf8 = new TextDecoder();

/** Copies a kafkajs message into our plain shape (Buffers become Uint8Arrays). */
export function toSourceMessage(
  topic: string,
  partition: number,
  m: KafkaMessage,
): SourceMessage {
  return {
    topic,
    partition,
    offset: m.offset,
    key: bytes(m.key),
    value: bytes(m.value),
    headers: headers(m.headers),
    timestampMs: Number(m.timestamp),
  };
}

function bytes(b: Uint8Array | null | undefined): Uint8Array | null {
  if (b === null || b === undefined) return null;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

type RawHeader = Uint8Array | string | (Uint8Array | string)[] | undefined;

function headers(
  raw: Record<string, RawHeader> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw ?? {})) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first === undefined) continue;
    out[k] = typeof first === "string" ? first : utf8.decode(first);
  }
  return out;
}
