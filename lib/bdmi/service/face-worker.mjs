// Entry of a face-inference worker thread (face-engine.ts starts them with piscina). Plain
// JavaScript, so that it loads however the service runs: a worker thread gets no TypeScript from
// vitest's transform (the integration tests), and the worker loads face-worker.ts through tsx's
// own API whether or not the process itself runs under tsx (`npm run bdmi`, `npm start`).
import { tsImport } from "tsx/esm/api";

const worker = await tsImport("./face-worker.ts", import.meta.url);

export const analyseFrame = worker.analyseFrame;
export const warm = worker.warm;
export default worker.analyseFrame;
