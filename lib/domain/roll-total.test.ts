import { describe, expect, it } from "vitest";
import { escapeLike, rollPages, ROLL_TOTAL_CAP } from "./roll-total";

describe("roll total and search term", () => {
  it("escapes LIKE's wildcards and its escape character, and leaves the rest alone", () => {
    expect(escapeLike("王")).toBe("王");
    expect(escapeLike("100%_a\\b")).toBe("100\\%\\_a\\\\b");
  });

  it("counts pages from the total, at least one", () => {
    expect(rollPages(0, 25)).toBe(1);
    expect(rollPages(26, 25)).toBe(2);
    expect(rollPages(ROLL_TOTAL_CAP, 25)).toBe(400);
  });
});
