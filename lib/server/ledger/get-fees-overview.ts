import "server-only";
import { z } from "zod";
import { env } from "../../env.js";
import { pool } from "../../db/client";
import type { TActor } from "../actor";
import { allRegions } from "../regions/region-names";
import { scopePatterns } from "../regions/scope";
import { bureauAccount, provinceOf, TKY } from "./ledger-accounts";

export const ZFeesQuery = z.object({ period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).optional() });
export type TFeesQuery = z.infer<typeof ZFeesQuery>;

/** low: below the warning threshold; blocked: fees are waiting on this balance (or will). Amounts are base-unit strings. */
export type TBureauBalance = {
  province: string;
  account: string;
  balance: string;
  threshold: string;
  recentFees: string;
  unsettled: string;
  warning: "ok" | "low" | "blocked";
};
export type TFeeRow = { period: string; regionCode: string; name: string; nameEn: string; count: number; amount: string; settled: string; unsettled: string };
/** A settlement the ledger refused (bad input, a different body for its key): shown so a supervisor can requeue it. */
export type TFailedSettlement = { id: string; key: string; kind: string; period: string; regionCode: string; amount: string; attempts: number; lastError: string | null; createdAt: string };
export type TFeesOverview = {
  accounts: TBureauBalance[];
  failedSettlements: TFailedSettlement[];
  unsettled: { count: number; amount: string; blocked: number; failed: number };
  fees: TFeeRow[];
  lowBalanceDays: number;
};

/**
 * The supervisor's view of TKY fees, all within the caller's regions: each bureau's balance with its
 * low-balance warning (below LEDGER_LOW_BALANCE_TKY or the last LEDGER_LOW_BALANCE_DAYS days of fees,
 * so it warns before it blocks), fees by period and city, and what is still unsettled.
 */
export async function getFeesOverview(actor: TActor, q: TFeesQuery): Promise<TFeesOverview> {
  const patterns = scopePatterns(actor.regions);
  const provinces = [...new Set(actor.regions.map(provinceOf))].filter((p) => p.length === 2).sort();
  const [byProvince, fees, settlements, accounts, regions, failed] = await Promise.all([
    pool().query<{ province: string; recent: string; unsettled: string; unsettled_n: string }>(
      `select left(region_code, 2) as province,
              coalesce(sum(amount) filter (where created_at > now() - make_interval(days => $2)), 0)::text as recent,
              coalesce(sum(amount) filter (where settled_at is null), 0)::text as unsettled,
              count(*) filter (where settled_at is null)::text as unsettled_n
         from fee_records where region_code like any($1) group by 1`,
      [patterns, env.LEDGER_LOW_BALANCE_DAYS],
    ),
    pool().query<{ period: string; region: string; n: string; amount: string; settled: string }>(
      `select period, left(region_code, 4) as region, sum(count)::text as n, sum(amount)::text as amount,
              coalesce(sum(amount) filter (where settled_at is not null), 0)::text as settled
         from fee_records where region_code like any($1) and ($2::text is null or period = $2)
        group by 1, 2 order by 1 desc, 2`,
      [patterns, q.period ?? null],
    ),
    pool().query<{ province: string; blocked: string; failed: string }>(
      `select left(f.region_code, 2) as province,
              count(distinct s.id) filter (where s.state = 'blocked')::text as blocked,
              count(distinct s.id) filter (where s.state = 'failed')::text as failed
         from fee_records f join settlements s on s.id = f.settlement_id
        where f.region_code like any($1) and f.settled_at is null and s.state in ('blocked', 'failed')
        group by 1`,
      [patterns],
    ),
    pool().query<{ code: string; balance: string }>(`select code, balance::text from ledger_accounts where code = any($1)`, [provinces.map(bureauAccount)]),
    allRegions(),
    pool().query<{ id: string; key: string; kind: string; period: string; region_code: string; amount: string; attempts: number; last_error: string | null; created_at: Date }>(
      `select s.id::text, s.idempotency_key as key, s.kind, s.period, s.region_code, s.amount::text, s.attempts, s.last_error, s.created_at
         from settlements s
        where s.state = 'failed' and exists (select 1 from fee_records f where f.settlement_id = s.id and f.region_code like any($1))
        order by s.created_at desc limit 50`,
      [patterns],
    ),
  ]);
  const names = new Map(regions.map((r) => [r.code, r]));
  const bal = new Map(accounts.rows.map((a) => [a.code, BigInt(a.balance)]));
  const prov = new Map(byProvince.rows.map((r) => [r.province, r]));
  const stuck = new Map(settlements.rows.map((r) => [r.province, r]));
  const floor = BigInt(env.LEDGER_LOW_BALANCE_TKY) * TKY;

  const failedSettlements = failed.rows.map((r) => ({
    id: r.id,
    key: r.key,
    kind: r.kind,
    period: r.period,
    regionCode: r.region_code,
    amount: r.amount,
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: r.created_at.toISOString(),
  }));
  const out: TFeesOverview = { accounts: [], failedSettlements, unsettled: { count: 0, amount: "0", blocked: 0, failed: 0 }, fees: [], lowBalanceDays: env.LEDGER_LOW_BALANCE_DAYS };
  let unsettledTotal = 0n;
  for (const p of provinces) {
    const account = bureauAccount(p);
    const f = prov.get(p);
    const recent = BigInt(f?.recent ?? "0");
    const unsettled = BigInt(f?.unsettled ?? "0");
    const blocked = Number(stuck.get(p)?.blocked ?? 0);
    out.unsettled.count += Number(f?.unsettled_n ?? 0);
    out.unsettled.blocked += blocked;
    out.unsettled.failed += Number(stuck.get(p)?.failed ?? 0);
    unsettledTotal += unsettled;
    const balance = bal.get(account);
    if (balance === undefined) continue;
    const threshold = recent > floor ? recent : floor;
    const warning = blocked > 0 || balance < unsettled ? "blocked" : balance - unsettled < threshold ? "low" : "ok";
    out.accounts.push({ province: p, account, balance: balance.toString(), threshold: threshold.toString(), recentFees: recent.toString(), unsettled: unsettled.toString(), warning });
  }
  out.unsettled.amount = unsettledTotal.toString();
  out.fees = fees.rows.map((r) => ({
    period: r.period,
    regionCode: r.region,
    name: names.get(r.region)?.name ?? r.region,
    nameEn: names.get(r.region)?.nameEn ?? r.region,
    count: Number(r.n),
    amount: r.amount,
    settled: r.settled,
    unsettled: (BigInt(r.amount) - BigInt(r.settled)).toString(),
  }));
  return out;
}
