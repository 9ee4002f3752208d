import "server-only";
import type pg from "pg";
import type { TFeeCharge } from "../../bdmi/contract";
import { queueFeeSettlement } from "../ledger/queue-fee-settlement";

/**
 * The one place kiosk fees are written: a fee_records row per BDMI charge of a kiosk check (kind
 * 'liveness' for the check itself, 'assessment' for the same-period reassessment after a pass),
 * inside the caller's transaction. Settlement hooks in here (an intent keyed by the fee's id).
 */
export async function recordKioskFee(
  client: pg.PoolClient,
  f: { kind: "liveness" | "assessment"; period: string; regionCode: string; fee: TFeeCharge; bdmiCallId: string },
): Promise<{ id: string; amount: bigint }> {
  const share = (payee: string) => f.fee.shares.find((s) => s.payee === payee)?.amount ?? "0";
  const { rows } = await client.query<{ id: string }>(
    `insert into fee_records (id, kind, period, region_code, count, amount, platform_share, provider_share, schedule_version, bdmi_call_id)
     values (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
    [f.kind, f.period, f.regionCode, f.fee.count, f.fee.total, share("platform"), share("data-providers"), f.fee.scheduleVersion, f.bdmiCallId],
  );
  // Its settlement intent commits with it (the outbox); the worker settles it through the ledger.
  await queueFeeSettlement(client, { key: `fee-check:${rows[0]!.id}`, kind: "fee-check", feeFilter: { feeIds: [rows[0]!.id] } });
  return { id: rows[0]!.id, amount: BigInt(f.fee.total) };
}
