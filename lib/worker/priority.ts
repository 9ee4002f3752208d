import { readFileSync } from "node:fs";
import os from "node:os";
import type pg from "pg";
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

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/**
 * The same for the PostgreSQL backends serving this pool, when PostgreSQL runs on this machine (the
 * embedded one, or one on localhost): a third of a monthly run's CPU is its SQL, which would
 * otherwise compete with the app's queries at full priority. Each new connection asks for its
 * backend's pid and renices that process, only if it is a local `postgres` process this user may
 * renice; anything else (a remote server, a pid that is not PostgreSQL's) is left alone.
 */
export function lowerLocalBackendPriority(p: pg.Pool, databaseUrl: string, nice: number = env.WORKER_NICE): boolean {
  let host: string;
  try {
    host = new URL(databaseUrl).hostname;
  } catch {
    return false;
  }
  if (nice <= 0 || !LOOPBACK.has(host)) return false;
  p.on("connect", (client) => {
    client
      .query<{ pid: number }>("select pg_backend_pid() as pid")
      .then(({ rows }) => {
        const pid = rows[0]!.pid;
        if (!readFileSync(`/proc/${pid}/comm`, "utf8").startsWith("postgres")) return;
        if (os.getPriority(pid) < nice) os.setPriority(pid, nice);
      })
      .catch(() => {
        // No /proc (not Linux), another user's server (EPERM): the run works, only without yielding.
      });
  });
  return true;
}
