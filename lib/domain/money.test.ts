import { describe, expect, it } from "vitest";
import { yuan, yuanGrouped, yuanPlain } from "./money";

describe("money", () => {
  it("writes fen as yuan exactly: plain, grouped and with the sign, beyond Number's safe range", () => {
    for (const [fen, plain, grouped] of [
      ["0", "0.00", "0.00"],
      ["5", "0.05", "0.05"],
      ["-5", "-0.05", "-0.05"],
      ["100000", "1000.00", "1,000.00"],
      ["123456", "1234.56", "1,234.56"],
      ["-250000", "-2500.00", "-2,500.00"],
      ["9223372036854775807", "92233720368547758.07", "92,233,720,368,547,758.07"],
    ] as const) {
      expect(yuanPlain(fen)).toBe(plain);
      expect(yuanPlain(BigInt(fen))).toBe(plain);
      expect(yuanGrouped(fen)).toBe(grouped);
      // The grouping the payments page used before (BigInt's en-US locale string) agrees.
      const v = BigInt(fen);
      const a = v < 0n ? -v : v;
      expect(yuanGrouped(v)).toBe(`${v < 0n ? "-" : ""}${(a / 100n).toLocaleString("en-US")}.${String(a % 100n).padStart(2, "0")}`);
      expect(yuan(fen)).toBe(grouped.startsWith("-") ? `-¥${grouped.slice(1)}` : `¥${grouped}`);
    }
  });

  it("refuses what is not a whole number of fen", () => {
    expect(() => yuanPlain("12.5")).toThrow();
    expect(() => yuanGrouped("abc")).toThrow();
  });
});
