import "server-only";
import { pool } from "../../db/client";
import { pgTx } from "../../db/pg-tx";
import { currentPeriod } from "../../domain/period";
import { latestDue, nextRunTime } from "../../domain/run-schedule";
import { systemActor, type TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAuditBulk } from "../audit/record-audit-bulk";
import { log } from "../log";
import { scheduleRegion } from "./run-schedule-view";
import { startMonthlyRun } from "./start-monthly-run";

type TDue = { id: string; region_codes: string[]; day_of_month: number; minute_of_day: number; cohort_min_age: number | null; next_run_at: Date };

export type TFired = { scheduleId: string; period: string; runId: string | null; joined: boolean; error: string | null };

/**
 * The worker's clock for recurring runs: every schedule whose time has come starts the run of the
 * month that time falls in (China time), and moves on to its next time. Months missed while no
 * worker ran collapse into the latest. The schedule row is locked (skip locked) while it fires, so
 * two workers never fire it twice; a crash between the run and the schedule's update fires it again
 * next tick, and the start joins the run it already made (same period and regions). A refusal (a
 * later month already completed, a region gone) is kept on the schedule as its last error.
 */
export async function fireDueRunSchedules(now = new Date(), actor: TActor = systemActor()): Promise<TFired[]> {
  const { rows } = await pool().query<{ id: string }>(
    `select id::text from run_schedules where cancelled_at is null and next_run_at <= $1 order by next_run_at limit 50`,
    [now],
  );
  const fired: TFired[] = [];
  for (const { id } of rows) {
    const f = await fireOne(id, now, actor).catch((e) => {
      log.error("run schedule failed to fire", { scheduleId: id, error: String((e as Error)?.stack ?? e) });
      return null;
    });
    if (f) fired.push(f);
  }
  return fired;
}

async function fireOne(id: string, now: Date, actor: TActor): Promise<TFired | null> {
  return pgTx(async (client) => {
    const { rows } = await client.query<TDue>(
      `select id::text, region_codes, day_of_month, minute_of_day, cohort_min_age, next_run_at from run_schedules
        where id = $1 and cancelled_at is null and next_run_at <= $2 for update skip locked`,
      [id, now],
    );
    const s = rows[0];
    if (!s) return null;
    const at = latestDue(s.day_of_month, s.minute_of_day, s.next_run_at, now);
    const period = currentPeriod(at);
    let runId: string | null = null;
    let joined = false;
    let error: string | null = null;
    try {
      // The schedule's regions are its scope: the worker acts for the schedule, as the system.
      const r = await startMonthlyRun({ ...actor, regions: s.region_codes }, { period, regionCodes: s.region_codes, cohortMinAge: s.cohort_min_age ?? undefined }, now);
      runId = r.run.id;
      joined = r.joined;
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      error = e.userMessage === "The request has invalid fields" ? JSON.stringify(e.fieldErrors) : e.userMessage;
    }
    const next = nextRunTime(s.day_of_month, s.minute_of_day, at);
    await client.query(
      `update run_schedules set next_run_at = $2, last_fired_at = $3, last_period = $4, last_run_id = coalesce($5::uuid, last_run_id), last_error = $6, updated_at = now()
        where id = $1`,
      [s.id, next, now, period, runId, error],
    );
    await recordAuditBulk(client, actor, "run_schedule.fired", "run_schedule", [
      { targetId: s.id, regionCode: scheduleRegion(s.region_codes), summary: { period, dueAt: at.toISOString(), runId, joined, error, nextRunAt: next.toISOString() } },
    ]);
    return { scheduleId: s.id, period, runId, joined, error };
  });
}
