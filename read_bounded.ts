/**
 * Reading a byte stream whole under a size limit, without trusting a declared length:
 * image downloads (encode/) and JSON request bodies (api/) share it.
 * @module
 */

/**
 * Reads `stream` to its end, or cancels it and returns `undefined` as soon as more
 * than `maxBytes` have arrived (no more is read). A stream error rejects; the
 * reader's lock is released either way.
 */
export async function readBounded(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<Uint8Array | undefined> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel();
        return undefined;
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}
