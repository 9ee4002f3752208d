import os from "node:os";
import { env } from "../env.js";

/**
 * Lowers this process's OS priority to WORKER_NICE, so that on a machine it shares with the app
 * the batch work gives the CPU to staff requests first (bench/notes/load.md): a run has hours, a
 * request has half a second. Only ever lowers (an unprivileged process cannot raise it back).
 * Call it first thing: on Linux setpriority() applies to the calling thread, and the threads
 * started later (libuv's pool: crypto, zlib, fs) inherit it; a systemd unit's Nice= covers all.
 */
export function lowerWorkerPriority(nice: number = env.WORKER_NICE): number {
  try {
    if (nice > os.getPriority()) os.setPriority(nice);
  } catch {
    // A platform that refuses (some containers): the work runs, only without yielding.
  }
  return os.getPriority();
}
