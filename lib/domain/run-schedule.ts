// A recurring monthly run's clock: "day D at HH:MM" in China Standard Time (UTC+8, no daylight
// saving). A month shorter than D runs on its last day, so "the 31st" means "month end".
const CST_MS = 8 * 3600_000;

/** "HH:MM" ↔ minutes after midnight. */
export function parseTimeOfDay(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new Error(`not a time of day: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}
export function formatTimeOfDay(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
}

/** The occurrence in the CST month (year, month 1–12). */
function occurrence(year: number, month: number, day: number, minuteOfDay: number): Date {
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return new Date(Date.UTC(year, month - 1, Math.min(day, last), 0, minuteOfDay) - CST_MS);
}

/** The first occurrence strictly after `after`. */
export function nextRunTime(day: number, minuteOfDay: number, after: Date): Date {
  const cst = new Date(after.getTime() + CST_MS);
  let y = cst.getUTCFullYear();
  let m = cst.getUTCMonth() + 1;
  for (;;) {
    const t = occurrence(y, m, day, minuteOfDay);
    if (t > after) return t;
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
}

/** The latest occurrence at or before `now`, starting from a due one (`due` ≤ now): months missed while no worker ran collapse into the latest. */
export function latestDue(day: number, minuteOfDay: number, due: Date, now: Date): Date {
  let t = due;
  for (let n = nextRunTime(day, minuteOfDay, t); n <= now; n = nextRunTime(day, minuteOfDay, t)) t = n;
  return t;
}
