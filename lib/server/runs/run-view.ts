import "server-only";
import type { Prisma } from "../../db/generated/client";

export const runViewSelect = {
  id: true,
  period: true,
  regionCodes: true,
  state: true,
  scheduledFor: true,
  requestedRole: true,
  cohortMinAge: true,
  checkDueOn: true,
  total: true,
  done: true,
  errors: true,
  batchesTotal: true,
  batchesDone: true,
  outcome: true,
  checksScheduled: true,
  casesOpened: true,
  feeTotal: true,
  pausedReason: true,
  pauseCount: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  updatedAt: true,
} satisfies Prisma.MonthlyRunSelect;

type TRow = Prisma.MonthlyRunGetPayload<{ select: typeof runViewSelect }>;

/** A run as the API and pages show it: JSON-safe (fees as base-unit strings), with its rate. */
export type TRunView = ReturnType<typeof runView>;

export function runView(r: TRow, now = new Date()) {
  const outcome = (r.outcome ?? {}) as { status?: Record<string, number>; transitions?: Record<string, number> };
  const end = r.finishedAt ?? (r.state === "running" ? now : r.updatedAt);
  const seconds = r.startedAt ? Math.max(0.001, (end.getTime() - r.startedAt.getTime()) / 1000) : null;
  return {
    id: r.id,
    period: r.period,
    regionCodes: r.regionCodes,
    state: r.state,
    scheduledFor: r.scheduledFor.toISOString(),
    cohortMinAge: r.cohortMinAge,
    checkDueOn: r.checkDueOn.toISOString().slice(0, 10),
    total: r.total,
    done: r.done,
    errors: r.errors,
    batchesTotal: r.batchesTotal,
    batchesDone: r.batchesDone,
    statusCounts: outcome.status ?? {},
    transitions: outcome.transitions ?? {},
    checksScheduled: r.checksScheduled,
    casesOpened: r.casesOpened,
    feeTotal: r.feeTotal.toString(),
    pausedReason: r.pausedReason,
    pauseCount: r.pauseCount,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    /** Pensioners a second since the run started (pauses included). */
    ratePerSecond: seconds && r.done ? Math.round(r.done / seconds) : null,
  };
}
