import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import jpeg from "jpeg-js";

// Face photos for tests, the evaluation and the benchmark, cut from the photos that
// @vladmandic/human ships in its assets/ folder (nothing is downloaded). screenshot-facematch.jpg
// shows one man (Human's "selected face") beside a grid of faces Human sorted by similarity to
// him; the first row holds other photos of the same man. screenshot-facedetect.jpg holds that man
// and four women. Boxes are [x, y, width, height] in the source image's pixels, found by eye.

const require_ = createRequire(import.meta.url);
export const HUMAN_ASSETS = path.resolve(path.dirname(require_.resolve("@vladmandic/human")), "../assets");

type TBox = [number, number, number, number];
export type TFacePhoto = { id: string; person: string; file: string; box: TBox };

const FM = "screenshot-facematch.jpg";
const FD = "screenshot-facedetect.jpg";
const TILE = 107;
const tile = (col: number, row: number): TBox => [col * TILE, 280 + row * 108, TILE, 108];

/** Photos labelled with who is on them ("man" is the same person throughout). */
export const FACE_PHOTOS: TFacePhoto[] = [
  { id: "man-selected", person: "man", file: FM, box: [0, 0, 228, 277] },
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((c) => ({ id: `man-tile-${c}`, person: "man", file: FM, box: tile(c, 0) })),
  { id: "man-facedetect", person: "man", file: FD, box: [8, 345, 150, 152] },
  { id: "woman-fd-1", person: "woman-fd-1", file: FD, box: [164, 345, 152, 152] },
  { id: "woman-fd-2", person: "woman-fd-2", file: FD, box: [320, 345, 152, 152] },
  { id: "woman-fd-3", person: "woman-fd-3", file: FD, box: [476, 345, 152, 152] },
  { id: "woman-fd-4", person: "woman-fd-4", file: FD, box: [632, 345, 160, 152] },
];

const decoded = new Map<string, { width: number; height: number; data: Uint8Array }>();
function source(file: string) {
  let img = decoded.get(file);
  if (!img) {
    const d = jpeg.decode(readFileSync(path.join(HUMAN_ASSETS, file)), { useTArray: true, formatAsRGBA: true });
    img = { width: d.width, height: d.height, data: d.data };
    decoded.set(file, img);
  }
  return img;
}

/**
 * Cuts a box out of an asset photo and places it, scaled by `scale` (nearest neighbour), in the
 * middle of a grey canvas `pad` times its size, as a kiosk camera would frame a face. `shift`
 * moves it on the canvas (a head that moved between frames); returns a JPEG.
 */
export function cropJpeg(file: string, box: TBox, o: { scale?: number; pad?: number; shift?: [number, number]; quality?: number } = {}): Buffer {
  const src = source(file);
  const scale = o.scale ?? 2;
  const pad = o.pad ?? 1.8;
  const [bx, by, bw, bh] = box;
  const fw = Math.round(bw * scale);
  const fh = Math.round(bh * scale);
  const W = Math.round(fw * pad);
  const H = Math.round(fh * pad);
  const ox = Math.round((W - fw) / 2 + (o.shift?.[0] ?? 0));
  const oy = Math.round((H - fh) / 2 + (o.shift?.[1] ?? 0));
  const out = Buffer.alloc(W * H * 4, 128);
  for (let y = 0; y < fh; y++) {
    const ty = oy + y;
    if (ty < 0 || ty >= H) continue;
    const sy = Math.min(src.height - 1, by + Math.floor(y / scale));
    for (let x = 0; x < fw; x++) {
      const tx = ox + x;
      if (tx < 0 || tx >= W) continue;
      const sx = Math.min(src.width - 1, bx + Math.floor(x / scale));
      const si = (sy * src.width + sx) * 4;
      const di = (ty * W + tx) * 4;
      out[di] = src.data[si]!;
      out[di + 1] = src.data[si + 1]!;
      out[di + 2] = src.data[si + 2]!;
      out[di + 3] = 255;
    }
  }
  for (let i = 3; i < out.length; i += 4) out[i] = 255;
  return Buffer.from(jpeg.encode({ data: out, width: W, height: H }, o.quality ?? 85).data);
}

export function photoJpeg(id: string, o?: Parameters<typeof cropJpeg>[2]): Buffer {
  const p = FACE_PHOTOS.find((f) => f.id === id);
  if (!p) throw new Error(`no face photo ${id}`);
  return cropJpeg(p.file, p.box, o);
}

/** Two people side by side: the man and a woman of screenshot-facedetect.jpg. */
export function twoFacesJpeg(): Buffer {
  return cropJpeg(FD, [8, 345, 308, 152], { scale: 2, pad: 1.3 });
}

/** A grey picture with no face at all. */
export function noFaceJpeg(): Buffer {
  const W = 320;
  const H = 240;
  const data = Buffer.alloc(W * H * 4);
  for (let i = 0; i < W * H; i++) {
    const v = 90 + ((i % W) >> 3);
    data[i * 4] = v;
    data[i * 4 + 1] = v;
    data[i * 4 + 2] = v;
    data[i * 4 + 3] = 255;
  }
  return Buffer.from(jpeg.encode({ data, width: W, height: H }, 85).data);
}
