import "server-only";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import type { TPrepared, TPrepareTask } from "./roll-prepare";

const WORKER = "roll-worker.mjs";

/**
 * The worker file next to this module, or, in the Next.js server build (where this module is
 * bundled and its own URL may point into .next), under the project root the server runs from.
 */
function workerFile(): string {
  let beside = "";
  try {
    beside = path.join(path.dirname(fileURLToPath(import.meta.url)), WORKER);
  } catch {
    // a bundle's own URL need not be a file: URL
  }
  if (beside && existsSync(beside)) return beside;
  const fromRoot = path.join(/*turbopackIgnore: true*/ process.cwd(), "lib", "server", "imports", WORKER);
  if (existsSync(fromRoot)) return fromRoot;
  throw new Error(`roll import: cannot find its worker file ${WORKER} (looked beside ${beside} and at ${fromRoot})`);
}

let pool: Piscina<TPrepareTask, TPrepared> | null = null;

/** Threads that prepare rows: one a core, since Postgres and this thread need little beside them. */
export function rollPool(): Piscina<TPrepareTask, TPrepared> {
  pool ??= new Piscina<TPrepareTask, TPrepared>({
    filename: workerFile(),
    minThreads: 0,
    maxThreads: Math.max(1, os.availableParallelism()),
    // Idle threads leave, so a process that imported once is not kept alive by them.
    idleTimeout: 5_000,
  });
  return pool;
}

export async function closeRollPool(): Promise<void> {
  const p = pool;
  pool = null;
  await p?.close();
}
