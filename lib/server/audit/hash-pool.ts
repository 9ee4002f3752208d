import "server-only";
import os from "node:os";
import { Piscina } from "piscina";
import type { TChunkResult } from "./event-copy";
import type { THashTask } from "./hash-worker";

/**
 * A pool of hashing threads for one long job (a verification, a large seal), closed by the caller.
 * Threads: one a core, at most 4 (PostgreSQL needs a core of its own to produce the rows).
 */
export function openHashPool(threads = Math.min(4, os.availableParallelism()), o: { minThreads?: number; idleTimeout?: number } = {}) {
  const pool = new Piscina({ filename: new URL("./hash-worker.mjs", import.meta.url).href, minThreads: o.minThreads ?? threads, maxThreads: threads, idleTimeout: o.idleTimeout ?? 1000 });
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
