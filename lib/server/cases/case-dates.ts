import "server-only";
import { AppError } from "../app-error";
import { todayCst } from "../checks/list-kiosk-checks";

/** Clocks of officers' devices drift a little; a few minutes ahead is not "the future". */
const SKEW_MS = 5 * 60_000;

/** An instant that must not be in the future (a check or intervention being recorded). */
export function pastInstant(at: string, path: string, now: Date): Date {
  const d = new Date(at);
  if (d.getTime() > now.getTime() + SKEW_MS) throw AppError.validation([{ path, message: "must not be in the future" }]);
  return d;
}

/** A calendar day (YYYY-MM-DD) that must exist and must not be after today (CST). */
export function pastDay(day: string, path: string, now: Date): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== day) throw AppError.validation([{ path, message: "dateReal" }]);
  if (day > todayCst(now)) throw AppError.validation([{ path, message: "must not be in the future" }]);
  return day;
}
