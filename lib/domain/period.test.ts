import { describe, expect, it } from "vitest";
import { addMonths, ageAtPeriodStart, currentPeriod, defaultRunTime, endOfNextMonth } from "./period";

describe("periods", () => {
  it("uses China Standard Time for the current month", () => {
    expect(currentPeriod(new Date("2026-11-30T15:59:59Z"))).toBe("2026-11");
    expect(currentPeriod(new Date("2026-11-30T16:00:00Z"))).toBe("2026-12");
  });
  it("adds months across year boundaries both ways", () => {
    expect(addMonths("2026-12", 1)).toBe("2027-01");
    expect(addMonths("2026-01", -1)).toBe("2025-12");
    expect(addMonths("2026-05", -17)).toBe("2024-12");
  });
  it("due dates fall on the last day of the next month, leap years included", () => {
    expect(endOfNextMonth("2026-11")).toBe("2026-12-31");
    expect(endOfNextMonth("2026-12")).toBe("2027-01-31");
    expect(endOfNextMonth("2028-01")).toBe("2028-02-29");
    expect(endOfNextMonth("2027-01")).toBe("2027-02-28");
  });
  it("counts age on the first of the month", () => {
    expect(ageAtPeriodStart("1946-11-01", "2026-11")).toBe(80);
    expect(ageAtPeriodStart("1946-11-02", "2026-11")).toBe(79);
    expect(ageAtPeriodStart("1946-12-01", "2026-11")).toBe(79);
    expect(ageAtPeriodStart("1946-10-31", "2026-11")).toBe(80);
  });
  it("schedules the default run on the 22nd at 08:00 CST", () => {
    expect(defaultRunTime(new Date("2026-11-10T00:00:00Z")).toISOString()).toBe("2026-11-22T00:00:00.000Z");
    expect(defaultRunTime(new Date("2026-11-23T00:00:00Z")).toISOString()).toBe("2026-12-22T00:00:00.000Z");
  });
});
