import "server-only";
import type { Prisma } from "../../db/generated/client";
import { formatTimeOfDay } from "../../domain/run-schedule";

export const runScheduleSelect = {
  id: true,
  regionCodes: true,
  dayOfMonth: true,
  minuteOfDay: true,
  cohortMinAge: true,
  nextRunAt: true,
  lastFiredAt: true,
  lastPeriod: true,
  lastRunId: true,
  lastError: true,
  version: true,
  createdAt: true,
  updatedAt: true,
  cancelledAt: true,
} satisfies Prisma.RunScheduleSelect;

type TRow = Prisma.RunScheduleGetPayload<{ select: typeof runScheduleSelect }>;

export type TRunScheduleView = {
  id: string;
  regionCodes: string[];
  dayOfMonth: number;
  /** "HH:MM", China Standard Time. */
  time: string;
  cohortMinAge: number | null;
  nextRunAt: string | null;
  lastFiredAt: string | null;
  lastPeriod: string | null;
  lastRunId: string | null;
  lastError: string | null;
  version: number;
  cancelled: boolean;
};

export function runScheduleView(r: TRow): TRunScheduleView {
  return {
    id: r.id,
    regionCodes: r.regionCodes,
    dayOfMonth: r.dayOfMonth,
    time: formatTimeOfDay(r.minuteOfDay),
    cohortMinAge: r.cohortMinAge,
    nextRunAt: r.cancelledAt ? null : r.nextRunAt.toISOString(),
    lastFiredAt: r.lastFiredAt?.toISOString() ?? null,
    lastPeriod: r.lastPeriod,
    lastRunId: r.lastRunId,
    lastError: r.lastError,
    version: r.version,
    cancelled: r.cancelledAt !== null,
  };
}

/** The audit region of a schedule: the regions' common prefix (a province at least), else none. */
export function scheduleRegion(codes: string[]): string | null {
  let p = codes[0] ?? "";
  for (const c of codes) while (!c.startsWith(p)) p = p.slice(0, -1);
  return p.length >= 2 ? p : null;
}
