import { describe, expect, it } from "vitest";
import { birthDateOf, checkCharacter, maskNationalId, nationalIdProblem, normaliseNationalId, sexOf } from "./national-id";

// 11010519491231002X is the worked example of GB 11643-1999 itself.
describe("GB 11643 national ID numbers", () => {
  it("accepts the standard's own example, with a lowercase x normalised", () => {
    expect(nationalIdProblem(normaliseNationalId(" 11010519491231002x "))).toBeNull();
    expect(checkCharacter("11010519491231002")).toBe("X");
  });

  it("rejects a wrong check digit", () => {
    expect(nationalIdProblem("110105194912310021")).toBe("checkDigit");
  });

  it("rejects wrong length and letters", () => {
    expect(nationalIdProblem("11010519491231002")).toBe("format");
    expect(nationalIdProblem("1101051949123100XX")).toBe("format");
    expect(nationalIdProblem("A10105194912310021")).toBe("format");
  });

  it("rejects impossible and future birth dates", () => {
    const feb30 = "52010219450230001";
    expect(nationalIdProblem(feb30 + checkCharacter(feb30))).toBe("birthDate");
    const future = "52010220990101001";
    expect(nationalIdProblem(future + checkCharacter(future), new Date("2026-11-23"))).toBe("birthDate");
  });

  it("reads birth date and sex from the number", () => {
    expect(birthDateOf("11010519491231002X")).toBe("1949-12-31");
    expect(sexOf("11010519491231002X")).toBe("female");
    expect(sexOf("110105194912310011".slice(0, 17) + "1")).toBe("male");
  });

  it("masks all but the first and last four characters", () => {
    expect(maskNationalId("5201", "1234")).toBe("5201**********1234");
  });
});
