import { randomFillSync } from "node:crypto";
import { birthDateOf, checkCharacter, normaliseNationalId } from "../../domain/national-id";
import { vmsg } from "../../i18n/validation";
import { PAYMENT_STATUSES, SCHEMES, SEXES, ZPensionerInput, type TPensionerInput } from "../../domain/pensioner";

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
  if (missing.length) return { error: vmsg("missingColumns", { missing: missing.join(", "), expected: ROLL_COLUMNS.map((c) => c[1]).join(",") }) };
  return { index };
}

export type TRowResult = { ok: true; value: TPensionerInput } | { ok: false; errors: { field: string; reason: string }[] };

const FIELD_COLUMN = Object.fromEntries(ROLL_COLUMNS.map(([f, en]) => [f, en])) as Record<TRollField, string>;

/** A record's cells as ZPensionerInput receives them (aliases resolved, amount as a number). */
export type TRollInput = {
  nationalId: string;
  name: string;
  sex: string;
  birthDate: string;
  regionCode: string;
  address: string;
  phone: string;
  scheme: string;
  monthlyPensionFen: number | undefined;
  paymentStatus: string | undefined;
  enrolledOn: string;
};

/** Validates one CSV record with the same rules as the create form (ZPensionerInput). */
export function validateRecord(record: string[], index: Record<TRollField, number>, width: number): TRowResult {
  if (record.length !== width) {
    return { ok: false, errors: [{ field: "row", reason: vmsg("columns", { found: record.length, expected: width }) }] };
  }
  for (const cell of record) {
    if (cell.includes("\uFFFD")) return { ok: false, errors: [{ field: "row", reason: vmsg("notUtf8") }] };
  }
  const get = (f: TRollField) => record[index[f]]!.trim();
  const sex = get("sex");
  const scheme = get("scheme");
  const status = get("paymentStatus");
  const amount = get("monthlyPensionFen");
  const input: TRollInput = {
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
  };
  const fast = acceptValidRow(input);
  if (fast) return { ok: true, value: fast };
  const r = ZPensionerInput.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  return {
    ok: false,
    errors: r.error.issues.map((i) => {
      const f = String(i.path[0] ?? "row") as TRollField;
      return { field: FIELD_COLUMN[f] ?? "row", reason: i.message };
    }),
  };
}

const ID = /^\d{17}[\dX]$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const COUNTY = /^\d{6}$/;
const PHONE = /^$|^1\d{10}$|^0\d{2,3}-?\d{7,8}$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isIn = <T extends string>(list: readonly T[], v: string | undefined): v is T => (list as readonly string[]).includes(v!);

/** What ZPensionerInput's isoDate accepts: YYYY-MM-DD naming a real day of the proleptic Gregorian calendar. */
function isRealDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const y = +s.slice(0, 4);
  const m = +s.slice(5, 7);
  const d = +s.slice(8, 10);
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= DAYS_IN_MONTH[m - 1]! + (leap ? 1 : 0);
}

let today = "";
let todayAt = 0;
/** Today's UTC date, YYYY-MM-DD, worked out at most once a second. */
function todayUtc(): string {
  const now = Date.now();
  if (now - todayAt > 1000) {
    today = new Date(now).toISOString().slice(0, 10);
    todayAt = now;
  }
  return today;
}

/**
 * ZPensionerInput's rules for a row that passes them, written out by hand: zod takes about 8 µs a
 * row, 8 s of a million-row import, this a tenth of that. It returns the value zod would, or null for
 * any row it does not accept, which then goes through zod so rejections keep zod's exact wording.
 * It may only ever be stricter than the schema, never looser: roll-csv.test.ts checks the two agree
 * on generated rows, so a rule added to ZPensionerInput and not here shows up there.
 */
export function acceptValidRow(i: TRollInput): TPensionerInput | null {
  const nationalId = normaliseNationalId(i.nationalId);
  if (!ID.test(nationalId)) return null;
  // nationalIdProblem's rules, without its two Date objects: a real birth date from 1890 to today, and the check digit.
  const birth = birthDateOf(nationalId);
  if (!isRealDate(birth) || birth < "1890-01-01" || birth > todayUtc() || checkCharacter(nationalId.slice(0, 17)) !== nationalId[17]) return null;
  const name = i.name.trim();
  const address = i.address.trim();
  const phone = i.phone.trim();
  const fen = i.monthlyPensionFen;
  const paymentStatus = i.paymentStatus === undefined ? "active" : i.paymentStatus;
  if (
    name.length < 1 ||
    name.length > 64 ||
    !isIn(SEXES, i.sex) ||
    !isRealDate(i.birthDate) ||
    birth !== i.birthDate ||
    !COUNTY.test(i.regionCode) ||
    address.length > 200 ||
    !PHONE.test(phone) ||
    !isIn(SCHEMES, i.scheme) ||
    fen === undefined ||
    !Number.isSafeInteger(fen) ||
    fen < 0 ||
    fen > 10_000_000 ||
    !isIn(PAYMENT_STATUSES, paymentStatus) ||
    !isRealDate(i.enrolledOn)
  ) {
    return null;
  }
  return {
    nationalId,
    name,
    sex: i.sex,
    birthDate: i.birthDate,
    regionCode: i.regionCode,
    address,
    phone,
    scheme: i.scheme,
    monthlyPensionFen: fen,
    paymentStatus,
    enrolledOn: i.enrolledOn,
  };
}

/** Escapes a value for COPY's text format. */
export function copyText(s: string): string {
  return /[\\\t\n\r]/.test(s) ? s.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r") : s;
}

// crypto.randomBytes costs about 2 µs a call, which a million rows notice; random bytes are drawn
// from a pool refilled 4 KB at a time instead (the same CSPRNG, fewer calls into it).
const POOL = Buffer.allocUnsafe(4096);
let poolAt = POOL.length;
function randomInto(target: Buffer, offset: number, n: number): void {
  if (poolAt + n > POOL.length) {
    randomFillSync(POOL);
    poolAt = 0;
  }
  POOL.copy(target, offset, poolAt, poolAt + n);
  poolAt += n;
}

let lastMs = 0;
let counter = 0;

/**
 * RFC 9562 UUIDv7: time-ordered, so a million inserts land at the right edge of the index. Within
 * one millisecond the 12-bit rand_a field counts up from a random start (RFC 9562 §6.2, method 1),
 * so the IDs one process makes only ever increase and each insert lands on the index's last page.
 */
export function uuidv7(): string {
  const b = Buffer.allocUnsafe(16);
  randomInto(b, 6, 10);
  let ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    counter = b.readUInt16BE(6) & 0x07ff; // a random start in the lower half leaves room to count
  } else if (++counter > 0x0fff) {
    lastMs++; // 4096 IDs in one millisecond: borrow the next one, as the RFC allows
    counter = 0;
  }
  ms = lastMs;
  b.writeUIntBE(ms, 0, 6);
  b[6] = 0x70 | (counter >> 8);
  b[7] = counter & 0xff;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
