import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { monthReturn, pct, pctPlain, ratio, tableCsv, tky, tkyPlain, yuan, yuanPlain } from "./dashboard-format";

describe("dashboard money formats", () => {
  it("writes fen as yuan exactly, beyond Number's safe range", () => {
    expect(yuan("0")).toBe("¥0.00");
    expect(yuan("5")).toBe("¥0.05");
    expect(yuan("123456")).toBe("¥1,234.56");
    expect(yuan("-250000")).toBe("-¥2,500.00");
    expect(yuanPlain("123456")).toBe("1234.56");
    // 2^63 - 1 fen: a float would round the last digits.
    expect(yuanPlain("9223372036854775807")).toBe("92233720368547758.07");
    expect(yuan("9223372036854775807")).toBe("¥92,233,720,368,547,758.07");
  });

  it("writes TKY base units with their 8 decimals, trailing zeros dropped", () => {
    expect(tkyPlain("150000000")).toBe("1.5");
    expect(tky("123456789012345")).toBe("1,234,567.89012345 TKY");
    expect(tky("1")).toBe("0.00000001 TKY");
    expect(tky("0")).toBe("0 TKY");
  });

  it("writes shares and ratios, with a dash for none", () => {
    expect(pct(0.8754)).toBe("87.5%");
    expect(pctPlain(0.8754)).toBe("87.5");
    expect(pct(null)).toBe("—");
    expect(pctPlain(null)).toBe("");
    expect(ratio(12.345)).toBe("×12.35");
  });

  it("values a month's fees at the TKY price for the return", () => {
    // 2 TKY at ¥0.50 = 100 fen of fees; 2,500 fen saved → ×25.
    expect(monthReturn("2500", "200000000", "50")).toBe(25);
    expect(monthReturn("2500", "0", "50")).toBeNull();
  });
});

describe("tableCsv", () => {
  it("starts with a BOM and round-trips quotes, commas and line breaks", () => {
    const csv = tableCsv(["地区", "节省金额（元）"], [["南明区, \"老城\"\n北", "1234.56"], ["云岩区", 7]]);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain("\r\n");
    expect(parse(csv, { bom: true })).toEqual([["地区", "节省金额（元）"], ["南明区, \"老城\"\n北", "1234.56"], ["云岩区", "7"]]);
  });

  it("defuses text that a spreadsheet would run, but leaves negative numbers alone", () => {
    const rows = parse(tableCsv(["a"], [["=HYPERLINK(\"x\")"], ["+1+1"], ["@SUM(A1)"], ["-2+3+cmd|' /C calc'!A0"], ["-12.5"], ["-3"]]), { bom: true }) as string[][];
    expect(rows.slice(1).map((r) => r[0])).toEqual(["'=HYPERLINK(\"x\")", "'+1+1", "'@SUM(A1)", "'-2+3+cmd|' /C calc'!A0", "-12.5", "-3"]);
  });
});
