import "server-only";
import { z } from "zod";
import { prisma } from "../../db/client";
import { nextRunTime, parseTimeOfDay } from "../../domain/run-schedule";
import { vmsg } from "../../i18n/validation";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAudit } from "../audit/record-audit";
import { runScheduleSelect, runScheduleView, scheduleRegion, type TRunScheduleView } from "./run-schedule-view";
import { resolveRunRegions } from "./start-monthly-run";

export const ZScheduleTiming = z.object({
  dayOfMonth: z.number({ error: vmsg("dayOfMonth") }).int(vmsg("dayOfMonth")).min(1, vmsg("dayOfMonth")).max(31, vmsg("dayOfMonth")),
  /** "HH:MM" in China Standard Time. */
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, vmsg("timeOfDay")),
  /** Absent or null: the installation's RUN_COHORT_MIN_AGE when the run starts. */
  cohortMinAge: z.number().int().min(0).max(130).nullable().optional(),
});
export const ZCreateRunSchedule = ZScheduleTiming.extend({
  /** Empty or absent: every region of the caller. */
  regionCodes: z.array(z.string().regex(/^\d{2,6}$/, vmsg("regionCode"))).max(200).default([]),
});
export type TCreateRunSchedule = z.infer<typeof ZCreateRunSchedule>;

/**
 * Creates the recurring monthly run of a region set. Guarantees: the regions lie in the caller's
 * scope; at most one active schedule per region set (409 on body.regionCodes); the schedule and its
 * audit event commit together.
 */
export async function createRunSchedule(actor: TActor, input: TCreateRunSchedule, now = new Date()): Promise<TRunScheduleView> {
  const regions = await resolveRunRegions(actor, input.regionCodes);
  const minuteOfDay = parseTimeOfDay(input.time);
  const scopeKey = regions.join(",");
  try {
    return await prisma().$transaction(async (tx) => {
      const s = await tx.runSchedule.create({
        data: {
          regionCodes: regions,
          scopeKey,
          regionCode: scheduleRegion(regions) ?? "",
          dayOfMonth: input.dayOfMonth,
          minuteOfDay,
          cohortMinAge: input.cohortMinAge ?? null,
          nextRunAt: nextRunTime(input.dayOfMonth, minuteOfDay, now),
          createdBy: actor.userId,
        },
        select: runScheduleSelect,
      });
      await recordAudit(tx, actor, {
        action: "run_schedule.created",
        targetType: "run_schedule",
        targetId: s.id,
        regionCode: scheduleRegion(regions),
        summary: { regionCodes: regions, dayOfMonth: input.dayOfMonth, time: input.time, cohortMinAge: input.cohortMinAge ?? null, nextRunAt: s.nextRunAt.toISOString() },
      });
      return runScheduleView(s);
    });
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") {
      throw new AppError("CONFLICT", "These regions already have a recurring schedule", { fieldErrors: [{ path: "body.regionCodes", message: vmsg("scheduleExists") }] });
    }
    throw e;
  }
}
