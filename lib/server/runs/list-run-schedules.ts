import "server-only";
import { pool, prisma } from "../../db/client";
import type { TActor } from "../actor";
import { runScheduleSelect, runScheduleView, type TRunScheduleView } from "./run-schedule-view";

/** The active schedules that touch the caller's regions, soonest first. */
export async function listRunSchedules(actor: TActor): Promise<{ items: TRunScheduleView[] }> {
  const { rows } = await pool().query<{ id: string }>(
    `select id::text from run_schedules r
      where r.cancelled_at is null
        and exists (select 1 from unnest(r.region_codes) rc, unnest($1::text[]) s where rc like s || '%' or s like rc || '%')
      order by r.next_run_at, r.created_at limit 200`,
    [actor.regions],
  );
  const found = await prisma().runSchedule.findMany({ where: { id: { in: rows.map((r) => r.id) } }, select: runScheduleSelect });
  const byId = new Map(found.map((s) => [s.id, s]));
  return { items: rows.map((r) => runScheduleView(byId.get(r.id)!)) };
}
