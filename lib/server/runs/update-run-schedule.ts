import "server-only";
import { z } from "zod";
import { prisma } from "../../db/client";
import { formatTimeOfDay, nextRunTime, parseTimeOfDay } from "../../domain/run-schedule";
import type { TActor } from "../actor";
import { recordAudit } from "../audit/record-audit";
import { ZScheduleTiming } from "./create-run-schedule";
import { lockOwnRunSchedule } from "./find-own-run-schedule";
import { runScheduleSelect, runScheduleView, scheduleRegion, type TRunScheduleView } from "./run-schedule-view";

export const ZUpdateRunSchedule = ZScheduleTiming.extend({ version: z.number().int().min(0).optional() });
export type TUpdateRunSchedule = z.infer<typeof ZUpdateRunSchedule>;

/** Changes a schedule's day, time or cohort; its next run is recomputed from now. The change and its audit event (before and after) commit together. */
export async function updateRunSchedule(actor: TActor, id: string, input: TUpdateRunSchedule, now = new Date()): Promise<TRunScheduleView> {
  return prisma().$transaction(async (tx) => {
    await lockOwnRunSchedule(tx, actor, id, input.version);
    const before = await tx.runSchedule.findUniqueOrThrow({ where: { id }, select: runScheduleSelect });
    const minuteOfDay = parseTimeOfDay(input.time);
    const s = await tx.runSchedule.update({
      where: { id },
      data: {
        dayOfMonth: input.dayOfMonth,
        minuteOfDay,
        cohortMinAge: input.cohortMinAge === undefined ? before.cohortMinAge : input.cohortMinAge,
        nextRunAt: nextRunTime(input.dayOfMonth, minuteOfDay, now),
        version: { increment: 1 },
      },
      select: runScheduleSelect,
    });
    await recordAudit(tx, actor, {
      action: "run_schedule.updated",
      targetType: "run_schedule",
      targetId: id,
      regionCode: scheduleRegion(s.regionCodes),
      summary: {
        before: { dayOfMonth: before.dayOfMonth, time: formatTimeOfDay(before.minuteOfDay), cohortMinAge: before.cohortMinAge },
        after: { dayOfMonth: s.dayOfMonth, time: input.time, cohortMinAge: s.cohortMinAge },
        nextRunAt: s.nextRunAt.toISOString(),
      },
    });
    return runScheduleView(s);
  });
}
