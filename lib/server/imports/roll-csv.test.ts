import { describe, expect, it } from "vitest";
import { checkCharacter } from "../../domain/national-id";
import { copyText, mapHeader, uuidv7, validateRecord } from "./roll-csv";

const header = "national_id,name,sex,birth_date,region_code,address,phone,scheme,monthly_pension_fen,payment_status,enrolled_on".split(",");
const first17 = "52010219450315001";
const row = [first17 + checkCharacter(first17), "王芳", "男", "1945-03-15", "520102", "南明区1号", "", "企业职工", "320000", "", "2001-01-01"];

describe("roll CSV rows", () => {
  const m = mapHeader(header);
  if ("error" in m) throw new Error(m.error);

  it("maps English and Chinese headers in any order", () => {
    const zh = mapHeader(["姓名", "身份证号", "性别", "出生日期", "区划代码", "地址", "电话", "险种", "月养老金(分)", "支付状态", "参保日期"]);
    expect("index" in zh && zh.index.nationalId).toBe(1);
  });
  it("explains a header with missing columns", () => {
    expect(mapHeader(["id", "name"])).toMatchObject({ error: expect.stringContaining("national_id") });
  });
  it("accepts Chinese values for sex and scheme", () => {
    const r = validateRecord(row, m.index, header.length);
    expect(r).toMatchObject({ ok: true, value: { sex: "male", scheme: "enterprise", paymentStatus: "active", monthlyPensionFen: 320000 } });
  });
  it("reports each bad field by its column name", () => {
    const bad = [...row];
    bad[3] = "1945-03-16";
    bad[8] = "-5";
    const r = validateRecord(bad, m.index, header.length);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.field).sort()).toEqual(["birth_date", "monthly_pension_fen"]);
  });
  it("rejects a row with the wrong number of columns or broken encoding", () => {
    expect(validateRecord(row.slice(1), m.index, header.length)).toMatchObject({ ok: false, errors: [{ field: "row" }] });
    const garbled = [...row];
    garbled[1] = "\uFFFD\uFFFD";
    expect(validateRecord(garbled, m.index, header.length)).toMatchObject({ ok: false, errors: [{ reason: expect.stringContaining("UTF-8") }] });
  });
  it("escapes COPY text specials and makes time-ordered UUIDv7s", () => {
    expect(copyText("a\tb\\c\nd")).toBe("a\\tb\\\\c\\nd");
    const a = uuidv7();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
