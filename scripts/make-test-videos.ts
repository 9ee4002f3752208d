// npm run test:videos: makes the fake-camera videos for the kiosk's browser tests from the face
// photos shipped in @vladmandic/human's assets/ (environment.md). Chromium plays a Y4M file as its
// camera with --use-fake-device-for-media-stream --use-file-for-fake-video-capture=FILE.y4m, looping.
// Pure JS (jpeg-js), so neither ffmpeg nor a native image library is needed.
//
// What the fakes can and cannot show: every frame comes from ONE photograph. The "live" video moves
// it a little, closes the eyes by painting skin over them (a blink) and turns the head by a
// horizontal warp that slides the nose and eyes towards one cheek while the face outline stays put
// (a 2-D stand-in for yaw). That is enough for Human's mesh to report a blink and a yaw in the
// browser, and the frames still show the enrolled person for the server's match. It is not a real
// 3-D head turn, so it says nothing about how well the kiosk resists a good video replay attack.
import { mkdirSync, openSync, readFileSync, writeSync, closeSync, existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import jpeg from "jpeg-js";

export const VIDEO_DIR = path.resolve(".data/test-videos");
const W = 640;
const H = 480;
const FPS = 10;

type TRgb = { width: number; height: number; data: Uint8Array };
/** A face in an asset: the crop to film, and the eyes (centre and radii, in source pixels) to close. */
type TSubject = { file: string; crop: [x: number, y: number, w: number, h: number]; eyes: [x: number, y: number, rx: number, ry: number][] };

// Coordinates read off the assets of @vladmandic/human 3.3.6 (the author's webcam frame in the
// FaceID demo screenshot; a woman from the face-detect screenshot). The same man also appears,
// from another photograph, at (8, 346, 150, 150) of screenshot-facedetect.jpg: a fair reference
// photo to enrol him with, so a genuine match is not the same picture compared with itself.
export const SUBJECTS = {
  genuine: { file: "screenshot-faceid.jpg", crop: [15, 143, 137, 137], eyes: [[62.5, 189, 8.5, 4.5], [103, 189, 8.5, 4.5]] },
  other: { file: "screenshot-facedetect.jpg", crop: [482, 348, 145, 145], eyes: [[547, 402, 9, 4.5], [597, 402, 9, 4.5]] },
} satisfies Record<string, TSubject>;

function assetsDir() {
  const require = createRequire(import.meta.url);
  // The package's `exports` hide package.json: start from its entry and walk up.
  let dir = path.dirname(require.resolve("@vladmandic/human"));
  while (!existsSync(path.join(dir, "assets"))) dir = path.dirname(dir);
  return path.join(dir, "assets");
}

function load(file: string): TRgb {
  const img = jpeg.decode(readFileSync(path.join(assetsDir(), file)), { useTArray: true, formatAsRGBA: false });
  return { width: img.width, height: img.height, data: img.data };
}

/** A copy of the photo with both eyes shut: upper-lid skin over the eye, a dark lash line across it. */
function closeEyes(img: TRgb, eyes: TSubject["eyes"]): TRgb {
  const out = { ...img, data: new Uint8Array(img.data) };
  for (const [cx, cy, rx, ry] of eyes) {
    // Skin colour: the band between eye and eyebrow, which is what a closed lid looks like.
    const skin = [0, 0, 0];
    let n = 0;
    for (let x = Math.round(cx - rx); x <= cx + rx; x++) {
      for (let y = Math.round(cy - 2.6 * ry); y <= cy - 1.6 * ry; y++) {
        const i = (y * img.width + x) * 3;
        for (let c = 0; c < 3; c++) skin[c] = (skin[c] ?? 0) + (img.data[i + c] ?? 0);
        n++;
      }
    }
    for (let c = 0; c < 3; c++) skin[c] = (skin[c] ?? 0) / n;
    for (let y = Math.floor(cy - ry * 1.3); y <= cy + ry * 1.3; y++) {
      for (let x = Math.floor(cx - rx * 1.2); x <= cx + rx * 1.2; x++) {
        const d = ((x - cx) / (rx * 1.2)) ** 2 + ((y - cy) / (ry * 1.3)) ** 2;
        if (d > 1) continue;
        const i = (y * img.width + x) * 3;
        const edge = Math.max(0, (d - 0.7) / 0.3); // feather the rim into the face
        const lash = Math.abs(y - (cy + ry * 0.3)) < 0.8 && Math.abs(x - cx) < rx ? 0.45 : 1;
        for (let c = 0; c < 3; c++) out.data[i + c] = Math.round((skin[c] ?? 0) * lash * (1 - edge) + (img.data[i + c] ?? 0) * edge);
      }
    }
  }
  return out;
}

function sample(img: TRgb, x: number, y: number, rgb: number[]) {
  const x0 = Math.max(0, Math.min(img.width - 2, Math.floor(x)));
  const y0 = Math.max(0, Math.min(img.height - 2, Math.floor(y)));
  const fx = Math.max(0, Math.min(1, x - x0));
  const fy = Math.max(0, Math.min(1, y - y0));
  for (let c = 0; c < 3; c++) {
    const a = img.data[(y0 * img.width + x0) * 3 + c] ?? 0;
    const b = img.data[(y0 * img.width + x0 + 1) * 3 + c] ?? 0;
    const d = img.data[((y0 + 1) * img.width + x0) * 3 + c] ?? 0;
    const e = img.data[((y0 + 1) * img.width + x0 + 1) * 3 + c] ?? 0;
    rgb[c] = (a * (1 - fx) + b * fx) * (1 - fy) + (d * (1 - fx) + e * fx) * fy;
  }
}

type TPose = { dx: number; dy: number; zoom: number; yaw: number; eyesClosed: number };

/**
 * One 640×480 frame in YUV 4:2:0 (BT.601, studio range). The crop is scaled to fill the frame's
 * height; `yaw` in -1..1 slides the middle of the face sideways: u' = u + k(1 - u²) over the face's
 * width (edges fixed), so the source u is the root of k·u² - u + (u' - k) = 0.
 */
function frame(open: TRgb, closed: TRgb, s: TSubject, pose: TPose): Buffer {
  const [cx0, cy0, cw, ch] = s.crop;
  const scale = (H / ch) * 0.92 * pose.zoom;
  const k = pose.yaw * 0.45;
  const rgb = [0, 0, 0];
  const rgb2 = [0, 0, 0];
  const Y = Buffer.alloc(W * H);
  const U = Buffer.alloc((W / 2) * (H / 2));
  const V = Buffer.alloc((W / 2) * (H / 2));
  const uAcc = new Float32Array((W / 2) * (H / 2));
  const vAcc = new Float32Array((W / 2) * (H / 2));
  // Face half-width: about a third of the crop.
  const R = cw * 0.36;
  const fcx = cx0 + cw / 2;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let sx = fcx + (x - W / 2 - pose.dx) / scale;
      const sy = cy0 + ch / 2 + (y - H / 2 - pose.dy) / scale;
      const u1 = (sx - fcx) / R;
      if (k !== 0 && Math.abs(u1) < 1) {
        const u = (1 - Math.sqrt(Math.max(0, 1 - 4 * k * (u1 - k)))) / (2 * k);
        sx = fcx + u * R;
      }
      const inCrop = sx >= cx0 && sx < cx0 + cw - 1 && sy >= cy0 && sy < cy0 + ch - 1;
      if (inCrop) {
        sample(open, sx, sy, rgb);
        if (pose.eyesClosed > 0) {
          sample(closed, sx, sy, rgb2);
          for (let c = 0; c < 3; c++) rgb[c] = (rgb[c] ?? 0) * (1 - pose.eyesClosed) + (rgb2[c] ?? 0) * pose.eyesClosed;
        }
      } else {
        // A plain wall around the photo, like a kiosk booth's.
        rgb[0] = 196; rgb[1] = 204; rgb[2] = 208;
      }
      const [r = 0, g = 0, b = 0] = rgb;
      Y[y * W + x] = Math.round(16 + 0.257 * r + 0.504 * g + 0.098 * b);
      const ci = (y >> 1) * (W / 2) + (x >> 1);
      uAcc[ci] = (uAcc[ci] ?? 0) + 128 - 0.148 * r - 0.291 * g + 0.439 * b;
      vAcc[ci] = (vAcc[ci] ?? 0) + 128 + 0.439 * r - 0.368 * g - 0.071 * b;
    }
  }
  for (let i = 0; i < uAcc.length; i++) {
    U[i] = Math.round((uAcc[i] ?? 0) / 4);
    V[i] = Math.round((vAcc[i] ?? 0) / 4);
  }
  return Buffer.concat([Buffer.from("FRAME\n"), Y, U, V]);
}

/** Poses of a live-looking loop: sway, a slow blink, a turn one way, a turn the other, a blink. */
export function livePoses(): TPose[] {
  const poses: TPose[] = [];
  const seconds = 12;
  for (let f = 0; f < seconds * FPS; f++) {
    const t = f / FPS;
    // People are never still: a slow sway of a few pixels and a slight breathing zoom.
    const pose: TPose = { dx: 4 * Math.sin(t * 1.3), dy: 2 * Math.sin(t * 0.9), zoom: 1 + 0.01 * Math.sin(t * 2.1), yaw: 0, eyesClosed: 0 };
    // Blinks at 1.5 s and 9.5 s, 0.7 s long: an older person asked to blink does so slowly, and a
    // software-rendered kiosk samples only a few frames a second.
    for (const at of [1.5, 9.5]) {
      if (t >= at && t < at + 0.7) pose.eyesClosed = t < at + 0.1 || t >= at + 0.6 ? 0.5 : 1;
    }
    // Turns: ramp 0.5 s, hold 1.2 s, back 0.5 s; one way at 3.5 s, the other at 6.7 s.
    for (const [at, dir] of [[3.5, 1], [6.7, -1]] as const) {
      const u = t - at;
      if (u >= 0 && u < 2.2) pose.yaw = dir * (u < 0.5 ? u / 0.5 : u < 1.7 ? 1 : (2.2 - u) / 0.5);
    }
    poses.push(pose);
  }
  return poses;
}

function write(file: string, subject: TSubject, poses: TPose[]) {
  const open = load(subject.file);
  const closed = closeEyes(open, subject.eyes);
  const fd = openSync(file, "w");
  // C420jpeg: 4:2:0 with centred chroma, what Chromium's Y4M reader expects.
  writeSync(fd, `YUV4MPEG2 W${W} H${H} F${FPS}:1 Ip A1:1 C420jpeg\n`);
  for (const p of poses) writeSync(fd, frame(open, closed, subject, p));
  closeSync(fd);
}

/** Writes the three videos (skipping any already there and newer than this script) and returns their paths. */
export function makeTestVideos({ force = false } = {}) {
  mkdirSync(VIDEO_DIR, { recursive: true });
  const still: TPose = { dx: 0, dy: 0, zoom: 1, yaw: 0, eyesClosed: 0 };
  const jobs = {
    // (a) the enrolled man, alive: sways, blinks, turns both ways.
    live: () => write(path.join(VIDEO_DIR, "live.y4m"), SUBJECTS.genuine, livePoses()),
    // (b) a photo attack: the same man's photograph held still, one frame repeated.
    photo: () => write(path.join(VIDEO_DIR, "photo.y4m"), SUBJECTS.genuine, Array.from({ length: 10 }, () => still)),
    // (c) someone else doing everything right: the challenge can be met, the face must not match.
    other: () => write(path.join(VIDEO_DIR, "other.y4m"), SUBJECTS.other, livePoses()),
  };
  const self = statSync(new URL(import.meta.url)).mtimeMs;
  const out: Record<keyof typeof jobs, string> = { live: "", photo: "", other: "" };
  for (const [name, make] of Object.entries(jobs) as [keyof typeof jobs, () => void][]) {
    const file = path.join(VIDEO_DIR, `${name}.y4m`);
    if (force || !existsSync(file) || statSync(file).mtimeMs < self) make();
    out[name] = file;
  }
  return out;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const files = makeTestVideos({ force: process.argv.includes("--force") });
  for (const f of Object.values(files)) console.log(`${f} (${(statSync(f).size / 1e6).toFixed(1)} MB)`);
}
