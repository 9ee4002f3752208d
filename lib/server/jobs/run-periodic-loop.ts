import "server-only";
import { log } from "../log";

/**
 * A worker loop: runs pass() at once, then again after the milliseconds it returns (0 = at once),
 * until stop(). A pass that throws is logged as `failed` (with its stack) and tried again after
 * errorDelayMs. stop() cuts a sleep short and lets the pass in flight finish.
 */
export function runPeriodicLoop(o: { pass: () => Promise<number>; failed: string; errorDelayMs: number }): { stop: () => Promise<void> } {
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
      let delay: number;
      try {
        delay = await o.pass();
      } catch (e) {
        log.error(o.failed, { error: String((e as Error)?.stack ?? e) });
        delay = o.errorDelayMs;
      }
      if (delay > 0 && !stopping) await sleep(delay);
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
