import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import { BadImageError, looksLikeJpeg, type TAnalysis } from "./face-image";
import type { TFrameResult } from "./face-worker";

export { BadImageError, decodeJpeg, looksLikeJpeg, thumbDistance, type TAnalysis, type TFace } from "./face-image";

// Server-side face analysis for the BDMI service. Human (face-model.ts) runs in a pool of worker
// threads, one a core, each with its own Human and wasm heap loaded once when the pool starts, so
// frames of concurrent checks are analysed side by side instead of one after another. The pool
// is per process; its threads do not keep the process alive.

const WORKER = fileURLToPath(new URL("./face-worker.mjs", import.meta.url));

/**
 * Threads in the pool unless configured: one a core (Human on the wasm backend is single-threaded
 * in Node, so more threads than cores only queue inside the OS), at most 8 (each holds its own
 * models and wasm heap).
 */
export const DEFAULT_FACE_WORKERS = Math.min(8, Math.max(1, availableParallelism()));

let workers = DEFAULT_FACE_WORKERS;
let pool: Piscina | null = null;
let warming: Promise<void> | null = null;

/** Sets the pool's size (BDMI_FACE_WORKERS, through startBdmiService); only before the pool starts. */
export function setFaceWorkers(n: number): void {
  if (pool && n !== workers) throw new Error(`the face pool already runs ${workers} workers`);
  workers = Math.max(1, Math.floor(n));
}

export function faceWorkers(): number {
  return workers;
}

function thePool(): Piscina {
  pool ??= new Piscina({
    filename: WORKER,
    name: "analyseFrame",
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: Infinity,
    // First come, first served: by default piscina puts a task it could not hand to a worker at
    // the back of the queue, and under load one check's frame went round it for 15-30 s.
    stricterFIFO: true,
  });
  return pool;
}

/**
 * Starts the pool and resolves once every worker has loaded its models; call early (service
 * start) so the first request does not pay for the loading.
 */
export function faceEngine(): Promise<void> {
  warming ??= (async () => {
    const p = thePool();
    // A worker takes one task at a time, so these land one on each worker.
    await Promise.all(Array.from({ length: workers }, () => p.run(null, { name: "warm" })));
  })().catch(async (e) => {
    warming = null;
    const p = pool;
    pool = null;
    await p?.destroy().catch(() => {});
    throw e;
  });
  return warming;
}

/** Every face Human finds in a JPEG, with its embedding and liveness/anti-spoof scores. The image is dropped after. */
export async function analyseJpeg(buf: Uint8Array): Promise<TAnalysis> {
  if (!looksLikeJpeg(buf)) throw new BadImageError("not a JPEG");
  const r = (await thePool().run(buf)) as TFrameResult;
  if ("bad" in r) throw new BadImageError(r.bad);
  return r;
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
