import { parse as csvParse } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkCharacter } from "../../domain/national-id";
import { ZPensionerInput } from "../../domain/pensioner";
import { acceptValidRow, copyText, mapHeader, uuidv7, validateRecord, type TRollInput } from "./roll-csv";

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
    expect(mapHeader(["id", "name"])).toMatchObject({ error: expect.stringMatching(/^missingColumns\|.*national_id/) });
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
    expect(validateRecord(garbled, m.index, header.length)).toMatchObject({ ok: false, errors: [{ reason: "notUtf8" }] });
  });
  it("escapes COPY text specials and makes time-ordered UUIDv7s", () => {
    expect(copyText("a\tb\\c\nd")).toBe("a\\tb\\\\c\\nd");
    const a = uuidv7();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const many = Array.from({ length: 10_000 }, uuidv7);
    expect(many.every((u, i) => i === 0 || u > many[i - 1]!)).toBe(true);
  });
});

describe("the hand-written fast path for valid rows", () => {
  const validId = (birth: string, seq: number) => {
    const first17 = `520102${birth.replaceAll("-", "")}${String(seq).padStart(3, "0")}`;
    return first17 + checkCharacter(first17);
  };
  const date = fc.date({ min: new Date("1890-01-01T00:00:00Z"), max: new Date("2020-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  const valid: fc.Arbitrary<TRollInput> = fc.record({
    birth: date,
    seq: fc.integer({ min: 0, max: 999 }),
    lowerX: fc.boolean(),
    name: fc.string({ minLength: 1, maxLength: 64 }).filter((s) => s.trim().length > 0),
    sex: fc.constantFrom("male", "female"),
    regionCode: fc.stringMatching(/^\d{6}$/),
    address: fc.string({ maxLength: 200 }),
    phone: fc.constantFrom("", "13800000000", "0851-12345678", "085112345678", "010-1234567"),
    scheme: fc.constantFrom("enterprise", "public", "rural"),
    monthlyPensionFen: fc.integer({ min: 0, max: 10_000_000 }),
    paymentStatus: fc.constantFrom(undefined, "active", "suspended", "terminated"),
    enrolledOn: date,
  }).map(({ birth, seq, lowerX, ...r }) => {
    const id = validId(birth, seq);
    return { ...r, nationalId: lowerX ? id.toLowerCase() : id, birthDate: birth };
  });
  // Cells a file might hold instead: near misses of every rule.
  const odd = fc.oneof(
    fc.constantFrom("", " ", "0", "-1", "X", "x", "1945-02-29", "2000-02-29", "1900-02-29", "2001-13-01", "2001-00-10", "2001-04-31", "0000-01-01", "9999-12-31"),
    fc.constantFrom("男", "M", "Male", "active ", "12345", "1234567", "13800000000 ", "1380000000", "0851-123456", "08-1234567"),
    fc.constantFrom("a".repeat(64), "a".repeat(65), "a".repeat(200), "a".repeat(201), " ".repeat(3)),
    fc.string({ maxLength: 20 }),
    fc.stringMatching(/^[0-9X-]{0,20}$/),
  );
  const amount = fc.oneof(fc.constant(undefined), fc.constant(NaN), fc.integer({ min: -5, max: 10_000_005 }), fc.double(), fc.constant(-0));
  const keys = ["nationalId", "name", "sex", "birthDate", "regionCode", "address", "phone", "scheme", "paymentStatus", "enrolledOn"] as const;
  const mutated = fc
    .tuple(valid, fc.dictionary(fc.constantFrom(...keys), odd, { maxKeys: 3 }), fc.option(amount))
    .map(([row, changes, fen]) => ({ ...row, ...changes, ...(fen === null ? {} : { monthlyPensionFen: fen }) }) as TRollInput);

  // Rows valid but for the ID number: birth dates impossible, before 1890 or after today; any check character.
  const today = new Date();
  const edgyBirth = fc
    .tuple(
      fc.oneof(fc.integer({ min: 1885, max: 1892 }), fc.integer({ min: today.getUTCFullYear() - 1, max: today.getUTCFullYear() + 1 }), fc.integer({ min: 0, max: 9999 })),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
    )
    .map(([y, m, d]) => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`);
  const edgy = fc.tuple(valid, edgyBirth, fc.integer({ min: 0, max: 999 }), fc.constantFrom(null, ..."0123456789X")).map(([row, birth, seq, check]) => {
    const id = validId(birth, seq);
    return { ...row, nationalId: check === null ? id : id.slice(0, 17) + check, birthDate: birth };
  });

  it("accepts only rows the schema accepts, with the schema's output", () => {
    fc.assert(
      fc.property(fc.oneof(valid, mutated, edgy), (input) => {
        const fast = acceptValidRow(input);
        const zod = ZPensionerInput.safeParse(input);
        if (fast) expect(zod).toEqual({ success: true, data: fast });
      }),
      { numRuns: 20_000 },
    );
  });
  it("takes every valid row, so zod only ever sees rejections", () => {
    fc.assert(fc.property(valid, (input) => acceptValidRow(input) !== null), { numRuns: 5_000 });
  });
});
