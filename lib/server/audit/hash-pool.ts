import "server-only";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildSync } from "esbuild";
import { Piscina } from "piscina";
import type { TChunkResult } from "./event-copy";
import type { THashTask } from "./hash-worker";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
let bundle: string | null = null;

/**
 * hash-worker.ts and what it imports, bundled once a process into one plain ES module that the
 * threads load without any TypeScript loader: under tsx every thread compiling the sources itself
 * cost about 1.1 s of CPU and 2.5 s before the first hash (measured on this machine); vitest's
 * transforms do not reach threads at all. piscina stays external (its thread runtime must see the
 * same module), so the bundle lives under node_modules where that import resolves.
 */
function workerBundle(): string {
  if (bundle) return bundle;
  const dir = path.join(ROOT, "node_modules", ".cache", "pension-audit");
  mkdirSync(dir, { recursive: true });
  const built = buildSync({
    entryPoints: [path.join(ROOT, "lib/server/audit/hash-worker.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["piscina"],
    write: false,
    outfile: "hash-worker.mjs",
    logLevel: "silent",
  }).outputFiles[0]!.contents;
  // Named by content: processes of the same code share one file, and a changed source gets a new one.
  const out = path.join(dir, `hash-worker-${createHash("sha256").update(built).digest("hex").slice(0, 16)}.mjs`);
  if (!existsSync(out)) {
    const tmp = `${out}.${process.pid}.tmp`;
    writeFileSync(tmp, built);
    renameSync(tmp, out);
  }
  bundle = pathToFileURL(out).href;
  return bundle;
}

/**
 * A pool of hashing threads for one long job (a verification), closed by the caller.
 * Threads: one a core, at most 4.
 */
export function openHashPool(threads = Math.min(4, os.availableParallelism()), o: { minThreads?: number; idleTimeout?: number } = {}) {
  const pool = new Piscina({ filename: workerBundle(), execArgv: [], minThreads: o.minThreads ?? threads, maxThreads: threads, idleTimeout: o.idleTimeout ?? 1000 });
  return {
    threads,
    chunk(task: Extract<THashTask, { kind: "chunk" }>): Promise<TChunkResult> {
      return pool.run(task, { transferList: [task.leaves.buffer as ArrayBuffer, task.events.buffer as ArrayBuffer] });
    },
    events(events: Uint8Array): Promise<{ ids: string[]; hashes: Buffer }> {
      return pool.run({ kind: "events", events } satisfies THashTask, { transferList: [events.buffer as ArrayBuffer] });
    },
    close: () => pool.destroy(),
  };
}
export type THashPool = ReturnType<typeof openHashPool>;

/** openHashPool, or null where threads cannot be had (a read-only node_modules): the caller hashes on its own thread. */
export function tryOpenHashPool(...args: Parameters<typeof openHashPool>): THashPool | null {
  try {
    return openHashPool(...args);
  } catch (e) {
    console.warn(JSON.stringify({ level: "warn", msg: "audit hashing threads unavailable, hashing on one thread", error: e instanceof Error ? e.message : String(e) }));
    return null;
  }
}
