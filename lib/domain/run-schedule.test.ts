import { describe, expect, it } from "vitest";
import { formatTimeOfDay, latestDue, nextRunTime, parseTimeOfDay } from "./run-schedule";

const at = (s: string) => new Date(s);

describe("run schedule clock (China Standard Time)", () => {
  it("finds this month's time when it is still ahead, else next month's", () => {
    expect(nextRunTime(22, 8 * 60, at("2026-03-10T00:00:00Z")).toISOString()).toBe("2026-03-22T00:00:00.000Z");
    expect(nextRunTime(22, 8 * 60, at("2026-03-22T00:00:00Z")).toISOString()).toBe("2026-04-22T00:00:00.000Z");
  });
  it("reads the day in Beijing time: 1st at 02:00 CST is the previous day in UTC", () => {
    // 2026-03-31T20:00Z is already 1 April 04:00 in Beijing: April's 02:00 has passed.
    expect(nextRunTime(1, 2 * 60, at("2026-03-31T17:00:00Z")).toISOString()).toBe("2026-03-31T18:00:00.000Z");
    expect(nextRunTime(1, 2 * 60, at("2026-03-31T20:00:00Z")).toISOString()).toBe("2026-04-30T18:00:00.000Z");
  });
  it("runs a short month on its last day, and rolls over the year", () => {
    expect(nextRunTime(31, 0, at("2026-02-01T00:00:00Z")).toISOString()).toBe("2026-02-27T16:00:00.000Z");
    expect(nextRunTime(31, 0, at("2028-02-01T00:00:00Z")).toISOString()).toBe("2028-02-28T16:00:00.000Z");
    expect(nextRunTime(15, 600, at("2026-12-20T00:00:00Z")).toISOString()).toBe("2027-01-15T02:00:00.000Z");
  });
  it("collapses missed months into the latest due one", () => {
    const due = at("2026-01-22T00:00:00Z");
    expect(latestDue(22, 480, due, at("2026-01-25T00:00:00Z")).toISOString()).toBe(due.toISOString());
    expect(latestDue(22, 480, due, at("2026-04-01T00:00:00Z")).toISOString()).toBe("2026-03-22T00:00:00.000Z");
  });
  it("parses and formats HH:MM", () => {
    expect(parseTimeOfDay("08:05")).toBe(485);
    expect(formatTimeOfDay(485)).toBe("08:05");
    expect(() => parseTimeOfDay("24:00")).toThrow();
  });
});
