import "server-only";
import { log } from "../log";
import { refreshRollups } from "./refresh-rollups";

/**
 * The worker's rollup loop: refreshes the dashboard's rollups at once (a first start's seed and
 * demo history are on the dashboard within one interval) and then every intervalSeconds.
 * stop() lets the refresh in flight finish; a kill at any point is safe (each pair commits alone).
 */
export function runRollupLoop(o: { intervalSeconds: number }): { stop: () => Promise<void> } {
  let stopping = false;
  let wake: (() => void) | null = null;
  const sleep = (ms: number) =>
    new Promise<void>((r) => {
      const t = setTimeout(r, ms);
      wake = () => {
        clearTimeout(t);
        r();
      };
    });
  const done = (async () => {
    while (!stopping) {
      try {
        const r = await refreshRollups();
        if (r.rebuilt.length) log.info("rollups refreshed", { pairs: r.rebuilt.length, ms: Math.round(r.ms) });
      } catch (e) {
        log.error("rollup refresh failed", { error: String((e as Error)?.stack ?? e) });
      }
      if (!stopping) await sleep(o.intervalSeconds * 1000);
    }
  })();
  return {
    async stop() {
      stopping = true;
      wake?.();
      await done;
    },
  };
}
