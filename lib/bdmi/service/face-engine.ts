import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import jpeg from "jpeg-js";

// Server-side face analysis for the BDMI service: @vladmandic/human 3.3 in Node on TensorFlow.js's
// WebAssembly backend (dist/human.node-wasm.js, which requires @tensorflow/tfjs-core,
// -converter and -backend-wasm; no native tfjs-node). Models come from the package's own models/
// folder through a tfjs load router, so nothing is fetched over a network. Human is loaded once
// per process, lazily, and kept warm; its calls are serialised (one model graph, one wasm heap).

/* eslint-disable @typescript-eslint/no-explicit-any */
type THuman = any;

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

const require_ = createRequire(import.meta.url);
const humanDist = path.dirname(require_.resolve("@vladmandic/human"));
const MODELS_DIR = path.resolve(humanDist, "../models");
const WASM_DIR = path.dirname(require_.resolve("@tensorflow/tfjs-backend-wasm")) + path.sep;
const SCHEME = "human-models://";

/** The largest image decoded: a kiosk frame is about 0.3 MP, an enrolment photo a few MP. */
const MAX_MEGAPIXELS = 12;

const CONFIG = {
  backend: "wasm",
  wasmPath: WASM_DIR,
  modelBasePath: SCHEME,
  debug: false,
  async: false,
  // Every frame is a new image: no frame-to-frame caching or skipping.
  cacheSensitivity: 0,
  filter: { enabled: false },
  face: {
    enabled: true,
    detector: { enabled: true, rotation: true, maxDetected: 5, minConfidence: 0.5, skipFrames: 0, skipTime: 0 },
    mesh: { enabled: true },
    iris: { enabled: false },
    attention: { enabled: false },
    description: { enabled: true, skipFrames: 0, skipTime: 0 },
    emotion: { enabled: false },
    antispoof: { enabled: true, skipFrames: 0, skipTime: 0 },
    liveness: { enabled: true, skipFrames: 0, skipTime: 0 },
  },
  body: { enabled: false },
  hand: { enabled: false },
  object: { enabled: false },
  gesture: { enabled: false },
  segmentation: { enabled: false },
};

/** tfjs model artifacts straight from a model.json and its weight shards on disk. */
function artifactsFromDisk(file: string) {
  const json = JSON.parse(readFileSync(file, "utf8")) as {
    modelTopology: unknown;
    format?: string;
    generatedBy?: string;
    convertedBy?: string;
    signature?: unknown;
    userDefinedMetadata?: unknown;
    modelInitializer?: unknown;
    weightsManifest: { paths: string[]; weights: unknown[] }[];
  };
  const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(path.join(path.dirname(file), p))));
  const all = Buffer.concat(shards);
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature,
    userDefinedMetadata: json.userDefinedMetadata,
    modelInitializer: json.modelInitializer,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.length),
  };
}

let loading: Promise<THuman> | null = null;

async function load(): Promise<THuman> {
  const H = require_(path.join(humanDist, "human.node-wasm.js"));
  const human: THuman = new H.Human(CONFIG);
  human.tf.io.registerLoadRouter((url: string | string[]) => {
    if (typeof url !== "string" || !url.startsWith(SCHEME)) return null;
    const name = path.basename(url.slice(SCHEME.length));
    return { load: async () => artifactsFromDisk(path.join(MODELS_DIR, name)) };
  });
  await human.load();
  // One inference on a blank image compiles the graphs, so the first real request is not slow.
  const blank = human.tf.zeros([256, 256, 3], "int32");
  await human.detect(blank).catch(() => {});
  human.tf.dispose(blank);
  return human;
}

/** Human, loaded once per process; call early (service start) to keep the first request fast. */
export function faceEngine(): Promise<THuman> {
  loading ??= load().catch((e) => {
    loading = null;
    throw e;
  });
  return loading;
}

let queue: Promise<unknown> = Promise.resolve();
function serialised<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => {});
  return run;
}

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

/** Every face Human finds in a JPEG, with its embedding and liveness/anti-spoof scores. The image is dropped after. */
export async function analyseJpeg(buf: Uint8Array): Promise<TAnalysis> {
  const img = decodeJpeg(buf);
  const thumb = thumbnail(img);
  const human = await faceEngine();
  return serialised(async () => {
    const t0 = performance.now();
    const tensor = human.tf.tensor3d(img.data, [img.height, img.width, 3], "int32");
    try {
      const r = await human.detect(tensor);
      const faces: TFace[] = (r.face ?? []).map((f: any) => ({
        score: Number(f.score ?? 0),
        box: (f.box ?? [0, 0, 0, 0]).map((v: number) => Math.round(v)) as TFace["box"],
        embedding: Array.from((f.embedding ?? []) as number[]),
        real: Number(f.real ?? 0),
        live: Number(f.live ?? 0),
      }));
      return { width: img.width, height: img.height, faces, ms: Math.round(performance.now() - t0), thumb };
    } finally {
      human.tf.dispose(tensor);
      img.data.fill(0);
    }
  });
}

function thumbnail(img: { width: number; height: number; data: Uint8Array }): Uint8Array {
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

/** Human's own normalised similarity of two descriptors (human.match.similarity, 0..1). */
export function humanSimilarity(a: number[], b: number[]): number {
  // The same formula as Human's match.similarity with its defaults (order 2, multiplier 25,
  // range 0.2..0.8), computed here so that matching needs no model loaded.
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - (b[i] ?? 0);
    sum += d * d;
  }
  const dist = Math.round(100 * 25 * sum) / 100;
  if (dist === 0) return 1;
  const norm = (1 - Math.sqrt(dist) / 100 - 0.2) / (0.8 - 0.2);
  return Math.round(100 * Math.max(Math.min(norm, 1), 0)) / 100;
}

/** Cosine similarity of two descriptors, -1..1. */
export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * (b[i] ?? 0);
    na += a[i]! * a[i]!;
    nb += (b[i] ?? 0) * (b[i] ?? 0);
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}
