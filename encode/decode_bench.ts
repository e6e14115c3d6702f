/**
 * Decode + area resize + normalise throughput, per decoder and image size.
 * Run: deno bench -A encode/decode_bench.ts
 * @module
 */

import { Image } from "imagescript";
import { decodeImage } from "./decode_image.ts";
import {
  type Decoder,
  imagescriptDecoder,
  mozJpegDecoder,
} from "./_decoders.ts";
import { readImageHeader } from "./_image_header.ts";
import { toImageTensor } from "./_resize.ts";
import type { ImageSpec } from "./bundle_manifest.ts";
import { makeGif } from "./_test_images.ts";

const SPEC: ImageSpec = {
  width: 64,
  height: 64,
  layout: "NCHW",
  mean: [0.5, 0.5, 0.5],
  std: [0.25, 0.25, 0.25],
  resize: "area",
  background: [255, 255, 255],
};

/** A photo-like test image: gradients, a disc and deterministic noise. */
function photo(size: number): Image {
  const image = new Image(size, size);
  const px = image.bitmap;
  let seed = 12345;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const noise = (seed >>> 24) % 24;
      const inDisc =
        (x - size / 2) ** 2 + (y - size / 2) ** 2 < (size / 3) ** 2;
      const at = (y * size + x) * 4;
      px[at] = inDisc ? 200 + noise : (255 * x) / size;
      px[at + 1] = inDisc ? 30 + noise : (255 * y) / size;
      px[at + 2] = 120 + noise;
      px[at + 3] = 255;
    }
  }
  return image;
}

const SIZES = [224, 512, 1024];
const jpegs = new Map<number, Uint8Array>();
const pngs = new Map<number, Uint8Array>();
for (const size of SIZES) {
  const image = photo(size);
  jpegs.set(size, await image.encodeJPEG(85));
  pngs.set(size, await image.encode(1));
}
const gif = await makeGif(224, 224, 4, [[200, 30, 90], [10, 20, 30]]);

function benchDecoders(label: string, bytes: Uint8Array, decoders: Decoder[]) {
  for (const [i, decoder] of decoders.entries()) {
    Deno.bench({
      name: `${label} ${decoder.name}`,
      group: label,
      baseline: i === 0,
      async fn() {
        const result = await decodeImage(bytes, SPEC, { decoders: [decoder] });
        if (result.kind !== "ok") throw new Error(`${label}: ${result.reason}`);
      },
    });
  }
}

for (const size of SIZES) {
  benchDecoders(`jpeg ${size}px → 64`, jpegs.get(size) ?? new Uint8Array(), [
    mozJpegDecoder,
    imagescriptDecoder,
  ]);
}
for (const size of [224, 512]) {
  benchDecoders(`png ${size}px → 64`, pngs.get(size) ?? new Uint8Array(), [
    imagescriptDecoder,
  ]);
}
benchDecoders("gif 224px → 64", gif, [imagescriptDecoder]);

for (const size of SIZES) {
  const rgba = await mozJpegDecoder.decode(
    jpegs.get(size) ?? new Uint8Array(),
    "jpeg",
  );
  Deno.bench({
    name: `area resize + normalise only ${size}px → 64`,
    group: "resize",
    fn() {
      toImageTensor(rgba, SPEC);
    },
  });
}

Deno.bench({
  name: "header check only (jpeg 1024px)",
  fn() {
    readImageHeader(jpegs.get(1024) ?? new Uint8Array(), 500);
  },
});
