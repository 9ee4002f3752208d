import { randomBytes } from "node:crypto";
import { ZPensionerInput, type TPensionerInput } from "../../domain/pensioner";

/** CSV columns of the roll, in English or Chinese headers; order is free, all are required. */
export const ROLL_COLUMNS = [
  ["nationalId", "national_id", "身份证号"],
  ["name", "name", "姓名"],
  ["sex", "sex", "性别"],
  ["birthDate", "birth_date", "出生日期"],
  ["regionCode", "region_code", "区划代码"],
  ["address", "address", "地址"],
  ["phone", "phone", "电话"],
  ["scheme", "scheme", "险种"],
  ["monthlyPensionFen", "monthly_pension_fen", "月养老金分"],
  ["paymentStatus", "payment_status", "支付状态"],
  ["enrolledOn", "enrolled_on", "参保日期"],
] as const;
export type TRollField = (typeof ROLL_COLUMNS)[number][0];

const SEX_ALIASES: Record<string, string> = { 男: "male", 女: "female", m: "male", f: "female", M: "male", F: "female" };
const SCHEME_ALIASES: Record<string, string> = { 企业职工: "enterprise", 机关事业: "public", 城乡居民: "rural" };
const STATUS_ALIASES: Record<string, string> = { 正常: "active", 暂停: "suspended", 终止: "terminated" };

/** Maps a header row to field positions, or explains why the file cannot be read as a roll. */
export function mapHeader(header: string[]): { index: Record<TRollField, number> } | { error: string } {
  const names = header.map((h) => h.trim().replace(/^\uFEFF/, "").toLowerCase().replace(/[()（）]/g, ""));
  const index = {} as Record<TRollField, number>;
  const missing: string[] = [];
  for (const [field, en, zh] of ROLL_COLUMNS) {
    const i = names.findIndex((n) => n === en || n === zh);
    if (i < 0) missing.push(en);
    else index[field] = i;
  }
  if (missing.length) return { error: `missing columns: ${missing.join(", ")} (expected ${ROLL_COLUMNS.map((c) => c[1]).join(",")})` };
  return { index };
}

export type TRowResult = { ok: true; value: TPensionerInput } | { ok: false; errors: { field: string; reason: string }[] };

const FIELD_COLUMN = Object.fromEntries(ROLL_COLUMNS.map(([f, en]) => [f, en])) as Record<TRollField, string>;

/** Validates one CSV record with the same rules as the create form (ZPensionerInput). */
export function validateRecord(record: string[], index: Record<TRollField, number>, width: number): TRowResult {
  if (record.length !== width) {
    return { ok: false, errors: [{ field: "row", reason: `has ${record.length} columns, expected ${width}` }] };
  }
  for (const cell of record) {
    if (cell.includes("\uFFFD")) return { ok: false, errors: [{ field: "row", reason: "is not valid UTF-8 (save the file as UTF-8; GBK is not accepted)" }] };
  }
  const get = (f: TRollField) => record[index[f]]!.trim();
  const sex = get("sex");
  const scheme = get("scheme");
  const status = get("paymentStatus");
  const amount = get("monthlyPensionFen");
  const r = ZPensionerInput.safeParse({
    nationalId: get("nationalId"),
    name: get("name"),
    sex: SEX_ALIASES[sex] ?? sex,
    birthDate: get("birthDate"),
    regionCode: get("regionCode"),
    address: get("address"),
    phone: get("phone"),
    scheme: SCHEME_ALIASES[scheme] ?? scheme,
    monthlyPensionFen: /^-?\d+$/.test(amount) ? Number(amount) : amount === "" ? undefined : NaN,
    paymentStatus: status === "" ? undefined : (STATUS_ALIASES[status] ?? status),
    enrolledOn: get("enrolledOn"),
  });
  if (r.success) return { ok: true, value: r.data };
  return {
    ok: false,
    errors: r.error.issues.map((i) => {
      const f = String(i.path[0] ?? "row") as TRollField;
      return { field: FIELD_COLUMN[f] ?? "row", reason: i.message };
    }),
  };
}

/** Escapes a value for COPY's text format. */
export function copyText(s: string): string {
  return /[\\\t\n\r]/.test(s) ? s.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r") : s;
}

/** RFC 9562 UUIDv7: time-ordered, so a million inserts land at the right edge of the index. */
export function uuidv7(): string {
  const b = randomBytes(16);
  const ms = Date.now();
  b.writeUIntBE(ms, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
