import type pg from "pg";
import type { TFeeCharge, TFeeSchedule } from "../contract";
import { TKY_DECIMALS } from "../contract";

// Fees are exact integers of TKY base units, computed in bigint and stored as numeric(38,0).

type TShare = { payee: "platform" | "data-providers"; amount: string };

let cached: { at: number; pool: pg.Pool; schedule: TFeeSchedule } | null = null;
const CACHE_MS = 30_000;

/** The schedule in force now: the newest whose effective_from has passed. */
export async function currentSchedule(pool: pg.Pool): Promise<TFeeSchedule> {
  if (cached && cached.pool === pool && Date.now() - cached.at < CACHE_MS) return cached.schedule;
  const { rows } = await pool.query<{ version: string; effective_from: Date; amount: string; shares: TShare[]; l_amount: string | null; l_shares: TShare[] | null }>(
    `select version, effective_from, assessment_amount::text as amount, shares,
            liveness_amount::text as l_amount, liveness_shares as l_shares
       from bdmi.fee_schedules where effective_from <= now() order by effective_from desc limit 1`,
  );
  const r = rows[0];
  if (!r) throw new Error("no BDMI fee schedule is in force");
  const schedule: TFeeSchedule = {
    version: r.version,
    currency: "TKY",
    decimals: TKY_DECIMALS,
    effectiveFrom: r.effective_from.toISOString(),
    assessment: { amount: r.amount, shares: r.shares },
    ...(r.l_amount && r.l_shares ? { liveness: { amount: r.l_amount, shares: r.l_shares } } : {}),
  };
  cached = { at: Date.now(), pool, schedule };
  return schedule;
}

/** count × the per-assessment amount, and each payee's share of it. */
export function charge(schedule: TFeeSchedule, count: number): TFeeCharge {
  const n = BigInt(count);
  return {
    scheduleVersion: schedule.version,
    count,
    perAssessment: schedule.assessment.amount,
    total: (BigInt(schedule.assessment.amount) * n).toString(),
    shares: schedule.assessment.shares.map((s) => ({ payee: s.payee, amount: (BigInt(s.amount) * n).toString() })),
  };
}

/** The fee of one liveness check under this schedule (the assessment fee where it names none). */
export function livenessCharge(schedule: TFeeSchedule): TFeeCharge {
  const l = schedule.liveness ?? schedule.assessment;
  return { scheduleVersion: schedule.version, count: 1, perAssessment: l.amount, total: l.amount, shares: l.shares.map((s) => ({ ...s })) };
}
