import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { decodeJpeg, thumbnail, type TAnalysis, type TFace } from "./face-image";

// Human in this thread: @vladmandic/human 3.3 on TensorFlow.js's WebAssembly backend
// (dist/human.node-wasm.js, which requires @tensorflow/tfjs-core, -converter and -backend-wasm;
// no native tfjs-node). Models come from the package's own models/ folder through a tfjs load
// router, so nothing is fetched over a network. Each inference worker (face-worker.ts) loads one
// Human when it starts and runs one frame at a time on it (one model graph, one wasm heap).

/* eslint-disable @typescript-eslint/no-explicit-any */
type THuman = any;

const require_ = createRequire(import.meta.url);
const humanDist = path.dirname(require_.resolve("@vladmandic/human"));
const MODELS_DIR = path.resolve(humanDist, "../models");
const WASM_DIR = path.dirname(require_.resolve("@tensorflow/tfjs-backend-wasm")) + path.sep;
const SCHEME = "human-models://";
/** One face, 800×564: Human's own sample photo. */
const WARM_PHOTO = path.resolve(humanDist, "../assets/screenshot-faceid.jpg");

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

async function load(): Promise<THuman> {
  const H = require_(path.join(humanDist, "human.node-wasm.js"));
  const human: THuman = new H.Human(CONFIG);
  human.tf.io.registerLoadRouter((url: string | string[]) => {
    if (typeof url !== "string" || !url.startsWith(SCHEME)) return null;
    const name = path.basename(url.slice(SCHEME.length));
    return { load: async () => artifactsFromDisk(path.join(MODELS_DIR, name)) };
  });
  await human.load();
  // Inferences on a photo with a face set up every model's kernels (a blank image runs only the
  // detector, and the first face a worker met used to cost 3–5 times a warm one), so the first
  // real request is not slow. The photo ships with Human (assets/); a blank image if it is absent.
  let warm = human.tf.zeros([256, 256, 3], "int32");
  try {
    const img = decodeJpeg(readFileSync(WARM_PHOTO));
    human.tf.dispose(warm);
    warm = human.tf.tensor3d(img.data, [img.height, img.width, 3], "int32");
  } catch {
    // keep the blank
  }
  for (let i = 0; i < 2; i++) await human.detect(warm).catch(() => {});
  human.tf.dispose(warm);
  return human;
}

let loading: Promise<THuman> | null = null;

/** Human, loaded once per thread. */
export function humanHere(): Promise<THuman> {
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

/**
 * Every face Human finds in a JPEG, with its embedding and liveness/anti-spoof scores, computed in
 * this thread; BadImageError when the bytes are not a decodable JPEG. The pixels are zeroed after.
 */
export async function analyseHere(buf: Uint8Array): Promise<TAnalysis> {
  const img = decodeJpeg(buf);
  const thumb = thumbnail(img);
  const human = await humanHere();
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
