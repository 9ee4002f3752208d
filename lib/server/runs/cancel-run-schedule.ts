import "server-only";
import { prisma } from "../../db/client";
import type { TActor } from "../actor";
import { recordAudit } from "../audit/record-audit";
import { lockOwnRunSchedule } from "./find-own-run-schedule";
import { runScheduleSelect, runScheduleView, scheduleRegion, type TRunScheduleView } from "./run-schedule-view";

/** Cancels a schedule: it fires no more (runs it already started go on), and the region set is free for a new one. Audited in the same transaction. */
export async function cancelRunSchedule(actor: TActor, id: string, version?: number, now = new Date()): Promise<TRunScheduleView> {
  return prisma().$transaction(async (tx) => {
    await lockOwnRunSchedule(tx, actor, id, version);
    const s = await tx.runSchedule.update({
      where: { id },
      data: { cancelledAt: now, cancelledBy: actor.userId, version: { increment: 1 } },
      select: runScheduleSelect,
    });
    await recordAudit(tx, actor, {
      action: "run_schedule.cancelled",
      targetType: "run_schedule",
      targetId: id,
      regionCode: scheduleRegion(s.regionCodes),
      summary: { regionCodes: s.regionCodes, dayOfMonth: s.dayOfMonth, minuteOfDay: s.minuteOfDay },
    });
    return runScheduleView(s);
  });
}
