import "server-only";
import { env } from "../../env.js";
import { ledgerAdapter } from "../ledger/ledger";
import { log } from "../log";
import { sealAuditLog } from "./seal-audit-log";
import { submitAuditAnchors } from "./submit-audit-anchors";

/**
 * The worker's audit step: every AUDIT_SEAL_INTERVAL_SECONDS (≤ 60, so a checkpoint is published
 * at least every minute while events arrive) seal what committed, then anchor new checkpoints.
 * Several workers may run it; the sealer's advisory lock and the outbox's SKIP LOCKED share the work.
 */
export function runAuditSealing(): { stop: () => Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      const s = await sealAuditLog({ batchSize: env.AUDIT_SEAL_BATCH });
      if (s.sealed) log.info("audit log sealed", { sealed: s.sealed, treeSize: s.treeSize, checkpoints: s.checkpoints });
      const a = await submitAuditAnchors(ledgerAdapter());
      if (a.final + a.waiting + a.failed) log.info("audit anchors", a);
    } catch (e) {
      log.error("audit sealing failed", { error: String((e as Error)?.stack ?? e) });
    }
  };
  const loop = () => {
    if (stopped) return;
    running = tick().finally(() => {
      if (!stopped) timer = setTimeout(loop, env.AUDIT_SEAL_INTERVAL_SECONDS * 1000);
    });
  };
  loop();
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
