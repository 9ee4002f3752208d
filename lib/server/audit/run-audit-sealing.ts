import "server-only";
import { env } from "../../env.js";
import { runPeriodicLoop } from "../jobs/run-periodic-loop";
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
  const intervalMs = env.AUDIT_SEAL_INTERVAL_SECONDS * 1000;
  return runPeriodicLoop({
    failed: "audit sealing failed",
    errorDelayMs: intervalMs,
    pass: async () => {
      const s = await sealAuditLog({ batchSize: env.AUDIT_SEAL_BATCH });
      if (s.sealed) log.info("audit log sealed", { sealed: s.sealed, treeSize: s.treeSize, checkpoints: s.checkpoints });
      const a = await submitAuditAnchors(ledgerAdapter());
      if (a.final + a.waiting + a.failed) log.info("audit anchors", a);
      return intervalMs;
    },
  });
}
