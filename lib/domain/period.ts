// Periods are YYYY-MM strings in China Standard Time (UTC+8, no daylight saving): a bureau's month.
const CST_MS = 8 * 3600_000;

export function currentPeriod(now = new Date()): string {
  return new Date(now.getTime() + CST_MS).toISOString().slice(0, 7);
}

export function addMonths(period: string, n: number): string {
  const [y, m] = period.split("-").map(Number) as [number, number];
  const idx = y * 12 + (m - 1) + n;
  return `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, "0")}`;
}

/** The last day (YYYY-MM-DD) of the month after `period`: the default due date of a check. */
export function endOfNextMonth(period: string): string {
  const [y, m] = addMonths(period, 1).split("-").map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${y}-${String(m).padStart(2, "0")}-${String(last).padStart(2, "0")}`;
}

/** Whole years of age on the first day of `period`, from a YYYY-MM-DD birth date. */
export function ageAtPeriodStart(birthDate: string, period: string): number {
  const [by, bm, bd] = birthDate.split("-").map(Number) as [number, number, number];
  const [py, pm] = period.split("-").map(Number) as [number, number];
  let age = py - by;
  if (pm < bm || (pm === bm && 1 < bd)) age--;
  return age;
}

/** The 22nd of the current month at 08:00 CST, or next month's if that has passed: the default schedule. */
export function defaultRunTime(now = new Date()): Date {
  const p = currentPeriod(now);
  const at = (period: string) => new Date(`${period}-22T08:00:00+08:00`);
  return at(p) > now ? at(p) : at(addMonths(p, 1));
}
