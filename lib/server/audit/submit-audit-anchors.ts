import "server-only";
import { env } from "../../env.js";
import { pool } from "../../db/client";
import type { TLedgerAdapter, TLedgerIntent, TLedgerReceipt } from "../ledger/ledger-adapter";
import { bureauAccount } from "../ledger/ledger-accounts";
import { log } from "../log";

type TAnchorRow = { id: string; checkpoint_id: string; idempotency_key: string; payload_hash: string; state: string; ledger_ref: string | null; tree_size: string };

/**
 * Anchors checkpoints through the ledger adapter (the outbox audit_anchors, written with each
 * checkpoint): submits new ones, polls submitted ones, and retries failures with backoff. The
 * intent's key is the checkpoint's, so a retry after a crash never anchors twice.
 */
export async function submitAuditAnchors(ledger: TLedgerAdapter, limit = 50): Promise<{ final: number; waiting: number; failed: number }> {
  // Claiming bumps updated_at, so another worker (or this one after a crash) retries only after the backoff.
  const claimed = await pool().query<TAnchorRow>(
    `update audit_anchors a set attempts = a.attempts + 1, updated_at = now()
       from audit_checkpoints c
      where c.id = a.checkpoint_id and a.id in (
        select id from audit_anchors
         where state <> 'final'
           and (state = 'pending' or updated_at <= now() - make_interval(secs => least(300, power(2, least(attempts, 10)))))
         order by id limit $1 for update skip locked)
      returning a.id::text, a.checkpoint_id::text, a.idempotency_key, a.payload_hash, a.state, a.ledger_ref, c.tree_size::text`,
    [limit],
  );
  const out = { final: 0, waiting: 0, failed: 0 };
  for (const a of claimed.rows) {
    let receipt: TLedgerReceipt;
    try {
      receipt =
        a.ledger_ref && (a.state === "queued" || a.state === "submitted")
          ? await ledger.getStatus(a.ledger_ref)
          : await ledger.submit(anchorIntent(a));
    } catch (e) {
      out.failed++;
      log.warn("audit anchor failed", { checkpointId: a.checkpoint_id, error: String(e) });
      await pool().query(`update audit_anchors set state = 'failed', last_error = $2, updated_at = now() where id = $1`, [a.id, String((e as Error)?.message ?? e).slice(0, 500)]);
      continue;
    }
    await pool().query(
      `update audit_anchors set state = $2, adapter = $3, ledger_ref = $4, tx_id = $5, block = $6, last_error = $7, updated_at = now() where id = $1`,
      [a.id, receipt.state, ledger.name, receipt.ref, receipt.txId, receipt.block?.toString() ?? null, receipt.error],
    );
    if (receipt.state === "final") out.final++;
    else if (receipt.state === "failed" || receipt.state === "expired") out.failed++;
    else out.waiting++;
  }
  return out;
}

function anchorIntent(a: TAnchorRow): TLedgerIntent {
  const fee = env.AUDIT_ANCHOR_FEE;
  return {
    idempotencyKey: a.idempotency_key,
    kind: "audit-checkpoint",
    recordId: a.checkpoint_id,
    payloadHash: a.payload_hash,
    memo: `audit log checkpoint, tree size ${a.tree_size}`,
    postings: [
      { account: bureauAccount(env.AUDIT_ANCHOR_PROVINCE), amount: -fee },
      { account: env.LEDGER_OPERATOR_ACCOUNT, amount: fee },
    ],
  };
}
