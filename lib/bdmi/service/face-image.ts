import jpeg from "jpeg-js";

// What the face pipeline measures, and the image handling around it that needs no model: JPEG
// checks and decoding, and the thumbnails that tell two frames apart. Shared by the service's
// main thread (face-engine.ts) and the inference workers (face-model.ts).

export type TFace = {
  /** Detector confidence 0..1. */
  score: number;
  box: [number, number, number, number];
  /** faceres descriptor (1024 numbers). */
  embedding: number[];
  /** Human's anti-spoof ("real") and liveness ("live") scores, 0..1. */
  real: number;
  live: number;
};

/** thumb: a 16×16 grey thumbnail, enough to tell whether two frames are the same picture. */
export type TAnalysis = { width: number; height: number; faces: TFace[]; ms: number; thumb: Uint8Array };

export class BadImageError extends Error {}

/** The largest image decoded: a kiosk frame is about 0.3 MP, an enrolment photo a few MP. */
const MAX_MEGAPIXELS = 12;

/** True for bytes that start like a JPEG (SOI marker then another marker). */
export function looksLikeJpeg(buf: Uint8Array): boolean {
  return buf.length > 4 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff;
}

/** Decodes a JPEG to RGB (pure JavaScript, bounded memory); BadImageError when it is not one. */
export function decodeJpeg(buf: Uint8Array): { width: number; height: number; data: Uint8Array } {
  if (!looksLikeJpeg(buf)) throw new BadImageError("not a JPEG");
  try {
    const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: MAX_MEGAPIXELS, maxMemoryUsageInMB: 256 });
    return { width: img.width, height: img.height, data: img.data };
  } catch (e) {
    throw new BadImageError(`the JPEG cannot be decoded: ${(e as Error).message}`);
  }
}

export function thumbnail(img: { width: number; height: number; data: Uint8Array }): Uint8Array {
  const out = new Uint8Array(256);
  for (let y = 0; y < 16; y++) {
    for (let x = 0; x < 16; x++) {
      const i = (Math.floor(((y + 0.5) * img.height) / 16) * img.width + Math.floor(((x + 0.5) * img.width) / 16)) * 3;
      out[y * 16 + x] = Math.round((img.data[i]! * 299 + img.data[i + 1]! * 587 + img.data[i + 2]! * 114) / 1000);
    }
  }
  return out;
}

/** Mean absolute difference of two thumbnails (0: the same picture). */
export function thumbDistance(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs(a[i]! - (b[i] ?? 0));
  return d / a.length;
}
