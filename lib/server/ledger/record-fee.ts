import "server-only";
import type pg from "pg";
import type { TFeeCharge } from "../../bdmi/contract";

/**
 * What a fee record pays for (fee_records.kind, a CHECK in SQL): a monthly run's batch
 * ('assessment'), a kiosk try ('liveness'), the same-period reassessment after a kiosk pass
 * ('assessment', settled with its check) and a case's reassessment after an in-person check or a
 * manual intervention ('case-reassessment').
 */
export const FEE_KINDS = ["assessment", "liveness", "case-reassessment"] as const;
export type TFeeKind = (typeof FEE_KINDS)[number];

/** Writes one fee_records row for a BDMI charge inside the caller's transaction; the caller queues its settlement (queueFeeSettlement) in the same one. */
export async function recordFee(
  client: pg.PoolClient,
  f: { kind: TFeeKind; period: string; regionCode: string; fee: TFeeCharge; bdmiCallId: string },
): Promise<{ id: string; amount: bigint }> {
  const share = (payee: string) => f.fee.shares.find((s) => s.payee === payee)?.amount ?? "0";
  const { rows } = await client.query<{ id: string }>(
    `insert into fee_records (id, kind, period, region_code, count, amount, platform_share, provider_share, schedule_version, bdmi_call_id)
     values (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
    [f.kind, f.period, f.regionCode, f.fee.count, f.fee.total, share("platform"), share("data-providers"), f.fee.scheduleVersion, f.bdmiCallId],
  );
  return { id: rows[0]!.id, amount: BigInt(f.fee.total) };
}
