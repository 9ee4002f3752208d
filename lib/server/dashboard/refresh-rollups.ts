import "server-only";
import type pg from "pg";
import { pool } from "../../db/client";
import { addMonths, currentPeriod } from "../../domain/period";
import { todayCst } from "../checks/list-kiosk-checks";

// The dashboard's rollups (rollup_* tables, county rows per period) are rebuilt from the source
// tables by the worker, one (source, period) at a time, set-based: a delete and one
// INSERT … SELECT … GROUP BY. The statement triggers of migration 000700 mark what changed in
// rollup_dirty; see its header for why a claimed mark cannot lose a concurrent writer's rows.

export const ROLLUP_SOURCES = ["checks", "kiosk", "statuses", "fees", "cases", "savings"] as const;
export type TRollupSource = (typeof ROLLUP_SOURCES)[number];
/** The savings' sentinel period: a change to payment_holds rebuilds every month's savings. */
export const ALL_PERIODS = "*";
/** The rollup_state row that says when a whole tick last finished (the dashboard's "refreshed at"). */
export const TICK_STATE = "tick";
const LOCK_CLASS = 879301;

export type TRefreshOptions = {
  /** The clock: today's date decides overdue checks, its period is the last month with savings. */
  now?: Date;
  /** Stop claiming after this many pairs (the rest waits for the next tick). */
  maxPairs?: number;
};
export type TRefreshResult = {
  rebuilt: { source: string; period: string; rows: number }[];
  /** Pairs left marked because writers were in flight on them throughout the tries. */
  busy: { source: string; period: string }[];
  ms: number;
};

type TRebuildContext = { asOf: string; today: string };

/** Start (inclusive) and end (exclusive) of a CST month, as timestamptz literals. */
const monthStart = (period: string) => `${period}-01T00:00:00+08:00`;

/** Rebuilds one (source, period) of the rollups; returns the rows written. Runs inside the claiming transaction. */
async function rebuild(c: pg.PoolClient, source: TRollupSource, period: string, x: TRebuildContext): Promise<number> {
  switch (source) {
    case "checks": {
      await c.query(`delete from rollup_checks where period = $1`, [period]);
      const r = await c.query(
        `insert into rollup_checks (period, region_code, reason, total, scheduled, in_progress, passed, failed, review, expired, overdue)
         select period, region_code, reason, count(*),
                count(*) filter (where status = 'scheduled'), count(*) filter (where status = 'in_progress'),
                count(*) filter (where status = 'passed'), count(*) filter (where status = 'failed'),
                count(*) filter (where status = 'review'), count(*) filter (where status = 'expired'),
                count(*) filter (where status in ('scheduled', 'in_progress') and due_on < $2::date)
           from kiosk_checks where period = $1
          group by period, region_code, reason`,
        [period, x.today],
      );
      return r.rowCount ?? 0;
    }
    case "kiosk": {
      await c.query(`delete from rollup_kiosk where period = $1`, [period]);
      // A device's attempts count in the device's own region (the site), not the pensioners'.
      const r = await c.query(
        `insert into rollup_kiosk (period, device_id, region_code, attempts, passed, failed, review)
         select $1, a.device_id, coalesce(d.region_code, min(a.region_code)), count(*),
                count(*) filter (where a.decision = 'pass'), count(*) filter (where a.decision = 'fail'),
                count(*) filter (where a.decision = 'review')
           from kiosk_attempts a left join kiosk_devices d on d.id = a.device_id
          where a.issued_at >= $2::timestamptz and a.issued_at < $3::timestamptz
          group by a.device_id, d.region_code`,
        [period, monthStart(period), monthStart(addMonths(period, 1))],
      );
      return r.rowCount ?? 0;
    }
    case "statuses": {
      await c.query(`delete from rollup_statuses where period = $1`, [period]);
      const r = await c.query(
        `insert into rollup_statuses (period, region_code, status, basis, n)
         select period, region_code, status, basis, count(*) from survival_statuses where period = $1
          group by period, region_code, status, basis`,
        [period],
      );
      return r.rowCount ?? 0;
    }
    case "fees": {
      await c.query(`delete from rollup_fees where period = $1`, [period]);
      const r = await c.query(
        `insert into rollup_fees (period, region_code, kind, calls, amount)
         select period, region_code, kind, sum(count), sum(amount) from fee_records where period = $1
          group by period, region_code, kind`,
        [period],
      );
      return r.rowCount ?? 0;
    }
    case "cases": {
      await c.query(`delete from rollup_cases where period = $1`, [period]);
      const r = await c.query(
        `insert into rollup_cases (period, region_code, reason, opened, closed, confirm_alive, suspend, terminate, reinstate)
         select period, region_code, reason, count(*), count(*) filter (where status = 'closed'),
                count(*) filter (where outcome = 'confirm_alive'), count(*) filter (where outcome = 'suspend'),
                count(*) filter (where outcome = 'terminate'), count(*) filter (where outcome = 'reinstate')
           from cases where period = $1
          group by period, region_code, reason`,
        [period],
      );
      return r.rowCount ?? 0;
    }
    case "savings":
      return rebuildSavings(c, period, x.asOf);
  }
}

/**
 * Savings exactly as holdSavingIn (lib/domain/case-machine.ts) defines them: a hold saves its
 * monthly amount in each period from its start, before its savings_end_period, up to the current
 * period; sentenced and lifted holds save nothing. `period` "*" rebuilds every month.
 */
async function rebuildSavings(c: pg.PoolClient, period: string, asOf: string): Promise<number> {
  const saving = `h.cause <> 'sentenced' and h.lifted_period is null`;
  if (period === ALL_PERIODS) {
    await c.query(`delete from rollup_savings`);
    const r = await c.query(
      `insert into rollup_savings (period, region_code, cause, kind, holds, amount_fen)
       select to_char(m, 'YYYY-MM'), h.region_code, h.cause, h.kind, count(*), sum(h.monthly_fen)
         from payment_holds h
        cross join lateral generate_series(
               to_date(h.start_period, 'YYYY-MM'),
               least(to_date($1, 'YYYY-MM'), coalesce(to_date(h.savings_end_period, 'YYYY-MM') - interval '1 month', to_date($1, 'YYYY-MM'))),
               interval '1 month') as m
        where ${saving}
        group by 1, h.region_code, h.cause, h.kind`,
      [asOf],
    );
    return r.rowCount ?? 0;
  }
  await c.query(`delete from rollup_savings where period = $1`, [period]);
  if (period > asOf) return 0;
  const r = await c.query(
    `insert into rollup_savings (period, region_code, cause, kind, holds, amount_fen)
     select $1, h.region_code, h.cause, h.kind, count(*), sum(h.monthly_fen)
       from payment_holds h
      where ${saving} and h.start_period <= $1 and (h.savings_end_period is null or $1 < h.savings_end_period)
      group by h.region_code, h.cause, h.kind`,
    [period],
  );
  return r.rowCount ?? 0;
}

/** The advisory lock a writer's trigger holds shared on a (source, period) it marked, to its commit. */
const lockArgs = (source: string, period: string) => [LOCK_CLASS, `${source}:${period}`];
const LOCK_TRIES = 5;
const LOCK_RETRY_MS = 100;

/**
 * Takes the pair's lock exclusively, for the session, if no writer holds it. Never waits in the
 * lock's queue: a waiting exclusive request would hold up every new writer of the month behind it,
 * and a writer waiting on another writer could then close a deadlock cycle through the refresh.
 */
async function tryLock(c: pg.PoolClient, source: string, period: string): Promise<boolean> {
  for (let i = 0; i < LOCK_TRIES; i++) {
    const { rows } = await c.query<{ ok: boolean }>(`select pg_try_advisory_lock($1, hashtext($2)) as ok`, lockArgs(source, period));
    if (rows[0]!.ok) return true;
    await new Promise((r) => setTimeout(r, LOCK_RETRY_MS));
  }
  return false;
}

/** rollup_state's row holding the CST day up to which the clock's effects are marked (as that day's midnight, CST). */
export const CLOCK_STATE = "clock";

/**
 * What the passing of time changes, marked once per CST day rather than rebuilt every tick: a check
 * becomes overdue the day after its due date (the periods of the open checks due since the last
 * marked day are marked), and a new month starts saving (its period is marked). Row changes are
 * the triggers' business. One worker marks a day; the others find it marked.
 */
async function markClock(x: TRebuildContext): Promise<void> {
  const c = await pool().connect();
  try {
    await c.query("begin");
    await c.query(`insert into rollup_state (source, refreshed_at) values ($1, ($2::date - 1)::timestamp at time zone interval '+08:00') on conflict do nothing`, [CLOCK_STATE, x.today]);
    const { rows } = await c.query<{ day: string }>(
      `select to_char(refreshed_at at time zone interval '+08:00', 'YYYY-MM-DD') as day from rollup_state where source = $1 for update`,
      [CLOCK_STATE],
    );
    const last = rows[0]!.day;
    if (last < x.today) {
      await c.query(
        `insert into rollup_dirty (source, period)
         select distinct 'checks', period from kiosk_checks
          where status in ('scheduled', 'in_progress') and due_on >= $1::date and due_on < $2::date
         on conflict do nothing`,
        [last, x.today],
      );
      if (last.slice(0, 7) < x.asOf) {
        await c.query(`insert into rollup_dirty (source, period) values ('savings', $1) on conflict do nothing`, [x.asOf]);
      }
      await c.query(`update rollup_state set refreshed_at = $2::date::timestamp at time zone interval '+08:00' where source = $1`, [CLOCK_STATE, x.today]);
    }
    await c.query("commit");
  } catch (e) {
    await c.query("rollback").catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}

/**
 * Rebuilds every (source, period) marked dirty, and what the clock changed (overdue checks, a new
 * month's savings), each pair in one transaction with its claim: a failed rebuild leaves its mark
 * for the next tick, and no writer's rows are missed.
 */
export async function refreshRollups(opts: TRefreshOptions = {}): Promise<TRefreshResult> {
  const t0 = performance.now();
  const now = opts.now ?? new Date();
  const x: TRebuildContext = { asOf: currentPeriod(now), today: todayCst(now) };
  await markClock(x);
  const rebuilt: TRefreshResult["rebuilt"] = [];
  const busy: TRefreshResult["busy"] = [];
  const claimed = new Set<string>();
  const max = opts.maxPairs ?? Infinity;
  while (rebuilt.length < max) {
    const c = await pool().connect();
    let done = false;
    let failed = false;
    try {
      await c.query("begin");
      // One pair, oldest mark first; a pair another worker is rebuilding is skipped.
      const { rows } = await c.query<{ source: TRollupSource; period: string }>(
        `select source, rtrim(period) as period from rollup_dirty
          where source = any($1) and not (source || ':' || period = any($2))
          order by (period = '*') desc, since limit 1 for update skip locked`,
        [ROLLUP_SOURCES, [...claimed]],
      );
      const pair = rows[0];
      if (!pair) {
        await c.query("commit");
        done = true;
      } else if (!(await tryLock(c, pair.source, pair.period))) {
        // Writers are in flight on this pair: its mark stays for the next tick.
        await c.query("commit");
        claimed.add(`${pair.source}:${pair.period}`);
        busy.push(pair);
      } else {
        // No writer is in flight on this pair (they hold the lock shared): claim, then let new writers in.
        try {
          // Rebuilding every month of savings covers the months the clock marked too.
          await c.query(`delete from rollup_dirty where source = $1 and (period = $2 or $2 = '*')`, [pair.source, pair.period]);
        } finally {
          await c.query(`select pg_advisory_unlock($1, hashtext($2))`, lockArgs(pair.source, pair.period));
        }
        const n = await rebuild(c, pair.source, pair.period, x);
        await c.query(
          `insert into rollup_state (source, refreshed_at) values ($1, now())
           on conflict (source) do update set refreshed_at = excluded.refreshed_at`,
          [pair.source],
        );
        await c.query("commit");
        claimed.add(`${pair.source}:${pair.period}`);
        rebuilt.push({ ...pair, rows: n });
      }
    } catch (e) {
      failed = true;
      await c.query("rollback").catch(() => {});
      throw e;
    } finally {
      // A failed pass may leave the session's advisory lock held (its unlock fails in an aborted
      // transaction): the connection is closed rather than pooled, which releases it.
      c.release(failed);
    }
    if (done) break;
  }
  await pool().query(
    `insert into rollup_state (source, refreshed_at) values ($1, now())
     on conflict (source) do update set refreshed_at = excluded.refreshed_at`,
    [TICK_STATE],
  );
  return { rebuilt, busy, ms: performance.now() - t0 };
}
