// The CPU half of a roll import, run in worker threads (roll-pool.ts): validate a batch of rows,
// encrypt and HMAC the ID numbers, and write the valid ones as COPY text. No database, no
// server-only imports: it runs in a bare worker thread.
import { vmsg } from "../../i18n/validation";
import { encryptPii, piiHmac } from "../pensioners/pii-crypto";
import { inScope } from "../regions/scope";
import { copyText, validateRecord, type TRollField } from "./roll-csv";

/** The pensioners columns a prepared row fills, in COPY order (the rest take their defaults). */
export const PREPARED_COLUMNS =
  "id, id_hmac, id_cipher, id_key_version, id_prefix, id_suffix, name, sex, birth_date, region_code, address, phone, scheme, monthly_pension_fen, payment_status, enrolled_on, import_id";

/** The pensioner_identities columns, in COPY order: each ID number's claim on the province's roll. */
export const IDENTITY_COLUMNS = "id_hmac, pensioner_id, region_code";

/** What a batch holds: raw lines, or records csv-parse already made. */
export type TPrepareBatch =
  | {
      /** Whole lines of a file without quotes, split on commas exactly as csv-parse would. */
      kind: "lines";
      text: Uint8Array;
      crlf: boolean;
      firstLine: number;
    }
  | { kind: "records"; records: { cells: string[]; line: number }[] };

export type TPrepareTask = TPrepareBatch & {
  header: { index: Record<TRollField, number>; width: number };
  counties: string[];
  regions: string[];
  importId: string;
  /** The first millisecond of the UUIDv7 range reserved for this batch (see reserveIds). */
  idMs: number;
};

export type TPrepared = {
  /** COPY text for pensioners (PREPARED_COLUMNS), in line order. */
  rows: Uint8Array;
  /** COPY text for import_seen (line, id, id_hmac), one line a valid row, same order. */
  seen: Uint8Array;
  /** COPY text for pensioner_identities (IDENTITY_COLUMNS), same order. */
  identities: Uint8Array;
  valid: number;
  rowsRead: number;
  rejections: { line: number; errors: { field: string; reason: string }[] }[];
};

/** How many milliseconds of UUIDv7 space a batch of n rows may use: 2,048 a millisecond and one spare. */
export const idMsFor = (n: number) => Math.ceil(n / 2048) + 1;

const hexOf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString("hex");

/** Text gathered into large buffers: one Buffer write a row instead of a string concatenated per chunk. */
class TextOut {
  private parts: Buffer[] = [];
  private buf: Buffer;
  private at = 0;
  constructor(private readonly size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }
  add(s: string): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8, so this bound never truncates a row.
    if (this.buf.length - this.at < s.length * 3) {
      this.parts.push(this.buf.subarray(0, this.at));
      this.buf = Buffer.allocUnsafe(Math.max(this.size, s.length * 3));
      this.at = 0;
    }
    this.at += this.buf.write(s, this.at);
  }
  take(): Uint8Array {
    this.parts.push(this.buf.subarray(0, this.at));
    return Buffer.concat(this.parts);
  }
}

/**
 * UUIDv7 (RFC 9562) from a reserved range of milliseconds rather than the clock: batches run in
 * parallel, and IDs that rise with the line keep every insert on the primary key's last page. The
 * 12-bit rand_a counts up from a random start in its lower half (§6.2, method 1); 62 bits stay random.
 */
function idMaker(startMs: number) {
  let ms = startMs;
  let counter = -1;
  const b = Buffer.allocUnsafe(16);
  const rnd = Buffer.allocUnsafe(4096);
  let rndAt = rnd.length;
  return () => {
    if (rndAt + 10 > rnd.length) {
      crypto.getRandomValues(rnd);
      rndAt = 0;
    }
    rnd.copy(b, 6, rndAt, rndAt + 10);
    rndAt += 10;
    if (counter < 0) counter = b.readUInt16BE(6) & 0x07ff;
    else if (++counter > 0x0fff) {
      ms++;
      counter = b.readUInt16BE(6) & 0x07ff;
    }
    b.writeUIntBE(ms, 0, 6);
    b[6] = 0x70 | (counter >> 8);
    b[7] = counter & 0xff;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const h = b.toString("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };
}

/** Validates every row of the batch with the form's rules (validateRecord) and prepares the valid ones. */
export function prepareRows(task: TPrepareTask): TPrepared {
  const counties = new Set(task.counties);
  const { index, width } = task.header;
  const rows = new TextOut(1 << 20);
  const seen = new TextOut(1 << 18);
  const identities = new TextOut(1 << 18);
  const nextId = idMaker(task.idMs);
  const rejections: TPrepared["rejections"] = [];
  let valid = 0;
  let rowsRead = 0;

  const one = (cells: string[], line: number) => {
    rowsRead++;
    const r = validateRecord(cells, index, width);
    if (!r.ok) return void rejections.push({ line, errors: r.errors });
    const p = r.value;
    if (!counties.has(p.regionCode) || !inScope(p.regionCode, task.regions)) {
      return void rejections.push({ line, errors: [{ field: "region_code", reason: vmsg("notInRegion") }] });
    }
    const { cipher, keyVersion } = encryptPii(p.nationalId);
    const id = nextId();
    const hmac = hexOf(piiHmac(p.nationalId));
    rows.add(
      `${id}\t\\\\x${hmac}\t\\\\x${hexOf(cipher)}\t${keyVersion}\t${p.nationalId.slice(0, 4)}\t${p.nationalId.slice(14)}\t` +
        `${copyText(p.name)}\t${p.sex}\t${p.birthDate}\t${p.regionCode}\t${copyText(p.address)}\t${p.phone}\t${p.scheme}\t` +
        `${p.monthlyPensionFen}\t${p.paymentStatus}\t${p.enrolledOn}\t${task.importId}\n`,
    );
    seen.add(`${line}\t${id}\t\\\\x${hmac}\n`);
    identities.add(`\\\\x${hmac}\t${id}\t${p.regionCode}\n`);
    valid++;
  };

  if (task.kind === "records") {
    for (const r of task.records) one(r.cells, r.line);
  } else {
    // Buffer.toString replaces bad UTF-8 the way the streaming decoder does; a block always ends
    // on a line feed, which no multi-byte character contains.
    const text = Buffer.from(task.text.buffer, task.text.byteOffset, task.text.length).toString("utf8");
    let line = task.firstLine;
    let at = 0;
    while (at < text.length) {
      let end = text.indexOf("\n", at);
      if (end < 0) end = text.length;
      const s = text.slice(at, task.crlf && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
      // skip_empty_lines: an empty line is counted but is no record.
      if (s.length) one(s.split(","), line);
      line++;
      at = end + 1;
    }
  }
  return { rows: rows.take(), seen: seen.take(), identities: identities.take(), valid, rowsRead, rejections };
}
