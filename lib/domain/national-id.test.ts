import fc from "fast-check";
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

  it("agrees with the RegExp-and-Date formulation it replaced, on valid numbers and near misses alike", () => {
    // The earlier nationalIdProblem, verbatim: the oracle for the character-by-character one.
    const reference = (id: string, today: Date) => {
      if (!/^\d{17}[\dX]$/.test(id)) return "format";
      const birth = birthDateOf(id);
      const d = new Date(`${birth}T00:00:00Z`);
      if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== birth) return "birthDate";
      if (d.getUTCFullYear() < 1890 || d > today) return "birthDate";
      if (checkCharacter(id.slice(0, 17)) !== id[17]) return "checkDigit";
      return null;
    };
    const digits = (n: number) => fc.array(fc.constantFrom(..."0123456789"), { minLength: n, maxLength: n }).map((a) => a.join(""));
    const candidate = fc.oneof(
      // Plausible numbers: real-looking dates (some impossible: day 00-39, month 00-19, years 0000-2999), any serial.
      fc
        .tuple(digits(6), fc.integer({ min: 0, max: 2999 }), fc.integer({ min: 0, max: 19 }), fc.integer({ min: 0, max: 39 }), digits(3), fc.boolean())
        .map(([region, y, m, d, serial, good]) => {
          const first17 = `${region}${String(y).padStart(4, "0")}${String(m).padStart(2, "0")}${String(d).padStart(2, "0")}${serial}`;
          return first17 + (good ? checkCharacter(first17) : "0123456789X"[(y + d) % 11]!);
        }),
      // Anything at all from the characters an ID is made of, and a few that it is not.
      fc.array(fc.constantFrom(..."0123456789X x-\n１"), { minLength: 0, maxLength: 20 }).map((a) => a.join("")),
    );
    const today = fc.date({ min: new Date("1880-01-01"), max: new Date("2100-01-01"), noInvalidDate: true });
    fc.assert(fc.property(candidate, today, (id, t) => nationalIdProblem(id, t) === reference(id, t)), { numRuns: 20_000 });
    // Leap days: 1900 was not a leap year, 2000 was.
    for (const birth of ["19000229", "20000229", "19960229", "19970229", "18891231", "18900101"]) {
      const first17 = `520102${birth}001`;
      const id = first17 + checkCharacter(first17);
      expect(nationalIdProblem(id)).toBe(reference(id, new Date()));
    }
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
