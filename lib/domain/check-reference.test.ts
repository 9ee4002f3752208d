import { describe, expect, it } from "vitest";
import { checkReference, idPrefixRange, parseCheckReference } from "./check-reference";

describe("check references", () => {
  const id = "3f9a2c1b-77aa-4c1e-9d1e-0123456789ab";

  it("prints the month and the id's first 8 hex digits", () => {
    expect(checkReference({ id, period: "2026-11" })).toBe("K-2026-11-3F9A2C1B");
  });

  it("reads back what is printed, however it is typed", () => {
    const full = { idPrefix: "3f9a2c1b", period: "2026-11" };
    for (const typed of ["K-2026-11-3F9A2C1B", "k-2026-11-3f9a2c1b", " K 2026 11 3F9A 2C1B ", "K202611-3F9A2C1B", "2026-11-3F9A2C1B", "K2026113F9A2C1B"]) {
      expect(parseCheckReference(typed), typed).toEqual(full);
    }
    expect(parseCheckReference("3F9A2C1B")).toEqual({ idPrefix: "3f9a2c1b", period: null });
    expect(parseCheckReference("K-3f9a2c1b")).toEqual({ idPrefix: "3f9a2c1b", period: null });
    expect(parseCheckReference(checkReference({ id, period: "2030-01" }))).toEqual({ idPrefix: "3f9a2c1b", period: "2030-01" });
    expect(parseCheckReference(id.toUpperCase())).toEqual({ id, period: null });
  });

  it("refuses what is no check reference", () => {
    for (const bad of ["", "K-", "K-2026-13-3F9A2C1B", "3F9A2C1", "3F9A2C1BX", "C-3F9A2C1B", "K-2026-11-3F9A2C1G", "王小梅"]) {
      expect(parseCheckReference(bad), bad).toBeNull();
    }
  });

  it("covers exactly the ids with the prefix", () => {
    const [lo, hi] = idPrefixRange("3f9a2c1b");
    expect(lo <= id && id <= hi).toBe(true);
    expect("3f9a2c1a-ffff-ffff-ffff-ffffffffffff" < lo && "3f9a2c1c-0000-0000-0000-000000000000" > hi).toBe(true);
  });
});
