import "server-only";
import { log } from "../log";
import { settleDueFees, type TSettleOptions } from "./settle-due-fees";

/**
 * The worker's settlement loop: works the outbox while settlements are due, sleeps pollMs when
 * none are. stop() lets the pass in flight finish; a kill at any point is safe (settleDueFees).
 */
export function runSettlementLoop(o: TSettleOptions & { pollMs: number }): { stop: () => Promise<void> } {
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
        const r = await settleDueFees(o);
        if (r.final) log.info("fees settled", { ...r, ledger: o.adapter.name });
        if (r.claimed < o.batchSize) await sleep(o.pollMs);
      } catch (e) {
        log.error("settlement pass failed", { error: String((e as Error)?.stack ?? e) });
        await sleep(o.pollMs * 5);
      }
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
