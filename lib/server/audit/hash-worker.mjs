// Entry of a hashing thread. Plain JavaScript, so that it loads the same way under tsx (the CLI,
// the worker process, the bench) and under vitest, whose transforms do not reach worker threads:
// tsx's scoped tsImport compiles hash-worker.ts and what it imports.
import { tsImport } from "tsx/esm/api";

const mod = await tsImport("./hash-worker.ts", import.meta.url);
export default mod.hashTask;
