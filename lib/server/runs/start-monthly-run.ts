import "server-only";
import { z } from "zod";
import { env } from "../../env.js";
import { pool, prisma } from "../../db/client";
import { ZPeriod } from "../../bdmi/survival-model";
import { currentPeriod, endOfNextMonth } from "../../domain/period";
import { vmsg } from "../../i18n/validation";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAudit } from "../audit/record-audit";
import { enqueue } from "../jobs/enqueue";
import { QUEUES } from "../jobs/queues";
import { inScope } from "../regions/scope";
import { runView, runViewSelect, type TRunView } from "./run-view";

export const ZStartRun = z.object({
  period: ZPeriod,
  /** Empty or absent: every region of the caller. */
  regionCodes: z.array(z.string().regex(/^\d{2,6}$/, vmsg("regionCode"))).max(200).default([]),
  /** Absent: now. */
  scheduledFor: z.iso.datetime({ offset: true }).optional(),
  cohortMinAge: z.number().int().min(0).max(130).optional(),
  checkDueOn: z.iso.date().optional(),
});
export type TStartRun = z.infer<typeof ZStartRun>;

/** Drops codes already covered by a broader one (5201 covers 520102) and sorts the rest. */
export function normaliseRegions(codes: string[]): string[] {
  const unique = [...new Set(codes)].sort();
  return unique.filter((c) => !unique.some((o) => o !== c && c.startsWith(o)));
}

/** The regions a run (or a schedule) covers: the caller's own when none are named; each named one in scope and known. */
export async function resolveRunRegions(actor: TActor, regionCodes: string[]): Promise<string[]> {
  const requested = normaliseRegions(regionCodes.length ? regionCodes : actor.regions);
  const outside = regionCodes.findIndex((c) => !inScope(c, actor.regions));
  if (outside >= 0) {
    throw new AppError("FORBIDDEN", "You can only run checks for your own regions", {
      fieldErrors: [{ path: `body.regionCodes.${outside}`, message: vmsg("regionOutOfScope") }],
    });
  }
  const known = await prisma().region.findMany({ where: { code: { in: requested } }, select: { code: true } });
  const unknown = requested.find((c) => !known.some((k) => k.code === c));
  if (unknown) {
    throw AppError.validation([{ path: `body.regionCodes.${regionCodes.indexOf(unknown)}`, message: vmsg("regionUnknown") }]);
  }
  return requested;
}

/** The latest month after `period` that a completed run covered for any of these regions (or their parts or wholes). */
export async function laterCompletedPeriod(period: string, regionCodes: string[]): Promise<string | null> {
  const { rows } = await pool().query<{ period: string | null }>(
    `select max(r.period) as period from monthly_runs r
      where r.state = 'completed' and r.period > $1
        and exists (select 1 from unnest(r.region_codes) rc, unnest($2::text[]) s where rc like s || '%' or s like rc || '%')`,
    [period, regionCodes],
  );
  return rows[0]?.period ?? null;
}

/**
 * Starts (or schedules) the monthly run for a period and regions. Guarantees: the regions lie in
 * the caller's scope; the run, its audit event and its job commit together; starting the same
 * period and regions again returns the existing run (joined = true) instead of a second one; a
 * month before the last one completed for any of these regions is refused (months run in order).
 */
export async function startMonthlyRun(actor: TActor, input: TStartRun, now = new Date()): Promise<{ run: TRunView; joined: boolean }> {
  if (input.period > currentPeriod(now)) {
    throw AppError.validation([{ path: "body.period", message: vmsg("periodInFuture") }]);
  }
  const requested = await resolveRunRegions(actor, input.regionCodes);
  const scheduledFor = input.scheduledFor ? new Date(input.scheduledFor) : now;
  const scopeKey = `${input.period}|${requested.join(",")}`;

  const existing = await prisma().monthlyRun.findUnique({ where: { scopeKey }, select: runViewSelect });
  if (existing) return { run: runView(existing), joined: true };
  const later = await laterCompletedPeriod(input.period, requested);
  if (later) {
    throw new AppError("CONFLICT", `${later} has already been completed for these regions; a run for ${input.period} would assess an earlier month after it`, {
      fieldErrors: [{ path: "body.period", message: vmsg("periodBeforeCompleted", { period: later }) }],
    });
  }
  try {
    const run = await prisma().$transaction(async (tx) => {
      const run = await tx.monthlyRun.create({
        data: {
          period: input.period,
          regionCodes: requested,
          scopeKey,
          scheduledFor,
          requestedBy: actor.userId,
          requestedRole: actor.role,
          cohortMinAge: input.cohortMinAge ?? env.RUN_COHORT_MIN_AGE,
          checkDueOn: new Date(input.checkDueOn ?? endOfNextMonth(input.period)),
        },
        select: runViewSelect,
      });
      await recordAudit(tx, actor, {
        action: "run.requested",
        targetType: "monthly_run",
        targetId: run.id,
        summary: { period: input.period, regionCodes: requested, scheduledFor: scheduledFor.toISOString() },
      });
      await enqueue(tx, QUEUES.monthlyRun, { runId: run.id }, { startAfter: scheduledFor > now ? scheduledFor : undefined, retryLimit: 0 });
      return run;
    });
    return { run: runView(run), joined: false };
  } catch (e) {
    // Two starts raced: the unique scope key let one in; the other joins it.
    if ((e as { code?: string }).code === "P2002") {
      const run = await prisma().monthlyRun.findUnique({ where: { scopeKey }, select: runViewSelect });
      if (run) return { run: runView(run), joined: true };
    }
    throw e;
  }
}
