import "server-only";
import { pool } from "../../db/client";
import { addMonths, currentPeriod } from "../../domain/period";

/** Months whose partitions the worker keeps ready: this China Standard Time month and the next `ahead`. */
export function upcomingPeriods(now = new Date(), ahead = 2): string[] {
  const first = currentPeriod(now);
  return Array.from({ length: ahead + 1 }, (_, k) => addMonths(first, k));
}

/**
 * Creates the month partitions of the large tables (migration 20261204000300_period_partitions)
 * for each period that has none, and returns the partitions created. Idempotent and safe to run
 * from several workers at once; rows of a month that had already landed in a default partition
 * are moved into the new one by the SQL function. Not audited: it changes where rows are kept,
 * never what they are.
 */
export async function ensurePeriodPartitions(periods: string[]): Promise<string[]> {
  const made: string[] = [];
  for (const p of [...new Set(periods)].sort()) {
    const r = await pool().query<{ made: string[] }>(`select ensure_period_partitions($1) as made`, [p]);
    made.push(...(r.rows[0]?.made ?? []));
  }
  return made;
}
