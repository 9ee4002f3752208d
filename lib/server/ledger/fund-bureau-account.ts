import "server-only";
import { env } from "../../env.js";
import { pgTx } from "../../db/pg-tx";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAuditBulk } from "../audit/record-audit-bulk";
import { createEmbeddedLedger } from "./embedded-ledger";
import { ensureLedgerAccounts } from "./ensure-ledger-accounts";
import { bureauAccount } from "./ledger-accounts";
import { sha256Hex } from "./ledger-intent";

/**
 * Funds a province's bureau on the embedded ledger from the issuer (demo and tests): the transfer
 * and its audit event commit together, and the key makes a repeat a no-op. Settlements the low
 * balance blocked become due at once.
 */
export async function fundBureauAccount(actor: TActor, input: { province: string; amount: bigint; key: string }): Promise<{ ref: string; replayed: boolean }> {
  if (input.amount <= 0n) throw AppError.validation([{ path: "amount", message: "must be positive" }]);
  await ensureLedgerAccounts([input.province]);
  const ledger = createEmbeddedLedger();
  const account = bureauAccount(input.province);
  return pgTx(async (client) => {
    const { receipt, replayed } = await ledger.submitIn(client, {
      idempotencyKey: input.key,
      kind: "funding",
      recordId: account,
      payloadHash: sha256Hex(JSON.stringify({ key: input.key, account, amount: input.amount.toString() })),
      postings: [
        { account: env.LEDGER_ISSUER_ACCOUNT, amount: -input.amount },
        { account, amount: input.amount },
      ],
    });
    if (!replayed) {
      // Settlements this bureau's balance blocked are due again at once, not after their backoff.
      await client.query(
        `update settlements set next_attempt_at = now() where state = 'blocked' and left(region_code, 2) = $1 and next_attempt_at > now()`,
        [input.province],
      );
      await recordAuditBulk(client, actor, "ledger.funded", "ledger_account", [
        { targetId: account, regionCode: input.province, summary: { amount: input.amount.toString(), ledgerRef: receipt.ref, block: receipt.block?.toString() } },
      ]);
    }
    return { ref: receipt.ref, replayed };
  });
}
