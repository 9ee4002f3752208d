import "server-only";
import { runPeriodicLoop } from "../jobs/run-periodic-loop";
import { log } from "../log";
import { refreshRollups } from "./refresh-rollups";

/**
 * The worker's rollup loop: refreshes the dashboard's rollups at once (a first start's seed and
 * demo history are on the dashboard within one interval) and then every intervalSeconds.
 * stop() lets the refresh in flight finish; a kill at any point is safe (each pair commits alone).
 */
export function runRollupLoop(o: { intervalSeconds: number }): { stop: () => Promise<void> } {
  const intervalMs = o.intervalSeconds * 1000;
  return runPeriodicLoop({
    failed: "rollup refresh failed",
    errorDelayMs: intervalMs,
    pass: async () => {
      const r = await refreshRollups();
      if (r.rebuilt.length) log.info("rollups refreshed", { pairs: r.rebuilt.length, ms: Math.round(r.ms) });
      return intervalMs;
    },
  });
}
