import "server-only";
import { runPeriodicLoop } from "../jobs/run-periodic-loop";
import { log } from "../log";
import { settleDueFees, type TSettleOptions } from "./settle-due-fees";

/**
 * The worker's settlement loop: works the outbox while settlements are due, sleeps pollMs when
 * none are (pollMs × 5 after a failed pass). stop() lets the pass in flight finish; a kill at any
 * point is safe (settleDueFees).
 */
export function runSettlementLoop(o: TSettleOptions & { pollMs: number }): { stop: () => Promise<void> } {
  return runPeriodicLoop({
    failed: "settlement pass failed",
    errorDelayMs: o.pollMs * 5,
    pass: async () => {
      const r = await settleDueFees(o);
      if (r.final) log.info("fees settled", { ...r, ledger: o.adapter.name });
      return r.claimed < o.batchSize ? o.pollMs : 0;
    },
  });
}
