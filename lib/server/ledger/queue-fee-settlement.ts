import "server-only";
import type pg from "pg";
import { env } from "../../env.js";
import { bureauAccount, provinceOf } from "./ledger-accounts";
import { sha256Hex } from "./ledger-intent";

type TFeeRow = { id: string; region_code: string; period: string; amount: string; platform_share: string; provider_share: string };

export type TSettlementPosting = { account: string; amount: string };

/** The longest prefix common to all codes: the payer's province for a batch inside one. */
function commonPrefix(codes: string[]): string {
  let p = codes[0] ?? "";
  for (const c of codes) while (!c.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/**
 * Writes the settlement intent (outbox row) for fee records that have none yet, inside the
 * caller's transaction, so it exists if and only if the fees committed. One settlement per batch
 * (key `fee-batch:<runId>:<batchNo>`): each province's bureau pays the operator its platform share
 * and the providers theirs. The postings are fixed here, so every attempt submits the same intent.
 */
export async function queueFeeSettlement(
  client: pg.PoolClient,
  input: { key: string; kind: string; feeFilter: { runId: string; batchNo: number } | { feeIds: string[] } },
): Promise<{ id: string; amount: bigint } | null> {
  const f = input.feeFilter;
  const { rows } = await client.query<TFeeRow>(
    `select id, region_code, period, amount::text, platform_share::text, provider_share::text from fee_records
      where ${"feeIds" in f ? "id = any($1::uuid[])" : "run_id = $1 and batch_no = $2"} and settlement_id is null
      order by region_code, id`,
    "feeIds" in f ? [f.feeIds] : [f.runId, f.batchNo],
  );
  if (rows.length === 0) return null;

  const debit = new Map<string, bigint>();
  let platform = 0n;
  let provider = 0n;
  for (const r of rows) {
    const pl = BigInt(r.platform_share);
    const pr = BigInt(r.provider_share);
    // The fee schedule's shares are whole and non-negative (ZBaseUnits), and add up to the fee.
    if (pl < 0n || pr < 0n || pl + pr !== BigInt(r.amount)) throw new Error(`fee record ${r.id}: shares ${pl} + ${pr} do not make its amount ${r.amount}`);
    const payer = bureauAccount(provinceOf(r.region_code));
    debit.set(payer, (debit.get(payer) ?? 0n) + pl + pr);
    platform += pl;
    provider += pr;
  }
  const amount = platform + provider;
  if (amount === 0n) return null;
  const postings: TSettlementPosting[] = [
    ...[...debit].filter(([, v]) => v > 0n).map(([account, v]) => ({ account, amount: (-v).toString() })),
    ...(platform > 0n ? [{ account: env.LEDGER_OPERATOR_ACCOUNT, amount: platform.toString() }] : []),
    ...(provider > 0n ? [{ account: env.LEDGER_PROVIDER_ACCOUNT, amount: provider.toString() }] : []),
  ];
  // What the ledger record attests: which fees, of which amounts, this transfer pays.
  const payload = JSON.stringify({ key: input.key, fees: rows.map((r) => [r.id, r.region_code, r.period, r.amount, r.platform_share, r.provider_share]) });
  const ins = await client.query<{ id: string }>(
    `insert into settlements (id, idempotency_key, kind, record_id, period, region_code, amount, postings, payload_hash)
     values (gen_random_uuid(), $1, $2, $1, $3, $4, $5, $6, $7)
     on conflict (idempotency_key) do nothing returning id`,
    [input.key, input.kind, rows[0]!.period, commonPrefix(rows.map((r) => r.region_code)), amount.toString(), JSON.stringify(postings), sha256Hex(payload)],
  );
  const id = ins.rows[0]?.id;
  if (!id) return null;
  await client.query(`update fee_records set settlement_id = $1 where id = any($2::uuid[])`, [id, rows.map((r) => r.id)]);
  return { id, amount };
}
