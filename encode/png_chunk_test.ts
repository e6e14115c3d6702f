import assert from "node:assert/strict";
import { crc32, pngChunk } from "./png_chunk.ts";

Deno.test("crc32() matches the standard check value and PNG's IEND CRC", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  assert.equal(crc32(new TextEncoder().encode("IEND")), 0xae426082);
});

Deno.test("pngChunk() writes length, type, data and the CRC of type and data", () => {
  assert.deepEqual(
    pngChunk("IEND", new Uint8Array()),
    new Uint8Array([0, 0, 0, 0, 73, 69, 78, 68, 0xae, 0x42, 0x60, 0x82]),
  );
  const data = new Uint8Array([1, 2, 3]);
  const chunk = pngChunk("tEXt", data);
  assert.equal(new DataView(chunk.buffer).getUint32(0), 3);
  assert.deepEqual(chunk.subarray(8, 11), data);
  assert.equal(
    new DataView(chunk.buffer).getUint32(11),
    crc32(chunk.subarray(4, 11)),
  );
  assert.throws(() => pngChunk("IDATA", data), RangeError);
});
