/** Encodes rendered bitmaps as PNG, JPEG or GIF files with imagescript. */

import { Frame, GIF, Image, type JPEGQuality } from "imagescript";
import type { ImageFormat } from "./product.ts";
import type { Bitmap } from "./render.ts";
import { encodePng } from "./png.ts";

/** File extension used for each format. */
export const EXTENSION: Readonly<Record<ImageFormat, string>> = {
  png: "png",
  jpeg: "jpg",
  gif: "gif",
};

/** Encodes a bitmap; JPEG quality 1–100. */
export async function encodeBitmap(
  bitmap: Bitmap,
  format: ImageFormat,
  options: { jpegQuality?: number } = {},
): Promise<Uint8Array> {
  const image = new Image(bitmap.width, bitmap.height);
  image.bitmap.set(bitmap.data);
  switch (format) {
    case "png":
      return encodePng(bitmap);
    case "jpeg":
      return await image.encodeJPEG(
        Math.min(
          100,
          Math.max(1, Math.round(options.jpegQuality ?? 85)),
        ) as JPEGQuality,
      );
    case "gif":
      return await new GIF([Frame.from(image, 100)]).encode(95);
  }
}
