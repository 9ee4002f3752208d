import "server-only";
import { createHash } from "node:crypto";
import { Readable, Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { StringDecoder } from "node:string_decoder";
import { parse } from "csv-parse";
import { from as copyFrom } from "pg-copy-streams";
import type pg from "pg";
import { pool } from "../../db/client";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { inScope } from "../regions/scope";
import { countyCodes } from "../regions/region-names";
import { encryptPii, piiHmac } from "../pensioners/pii-crypto";
import { copyText, mapHeader, uuidv7, validateRecord, type TRollField } from "./roll-csv";

/** The largest roll file accepted (a province's 10 M pensioners fit in about 1.5 GB). */
export const MAX_IMPORT_BYTES = 1536 * 1024 * 1024;
const REJECTION_BATCH = 5000;
const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString("hex");
const PROGRESS_EVERY_MS = 500;

export type TImportSummary = {
  id: string;
  status: "completed" | "failed";
  rowsRead: number;
  rowsInserted: number;
  rowsUnchanged: number;
  rowsRejected: number;
  error: string | null;
};

type TRejection = { line: number; field: string; reason: string };

async function flushRejections(importId: string, batch: TRejection[]): Promise<void> {
  if (!batch.length) return;
  await pool().query(
    `insert into roll_import_rejections (import_id, line, field, reason)
     select $1, * from unnest($2::int[], $3::text[], $4::text[]) on conflict do nothing`,
    [importId, batch.map((r) => r.line), batch.map((r) => r.field), batch.map((r) => r.reason)],
  );
}

async function finish(importId: string, fields: Partial<Record<string, unknown>>): Promise<void> {
  const keys = Object.keys(fields);
  await pool().query(
    `update roll_imports set ${keys.map((k, i) => `${k} = $${i + 2}`).join(", ")}, finished_at = now() where id = $1`,
    [importId, ...keys.map((k) => fields[k])],
  );
}

/**
 * Streams a roll CSV into the pensioners table. Every row is validated; valid rows land together in
 * one transaction or not at all, rejected rows are reported with line and reason, and rows already
 * on the roll unchanged are counted, not duplicated, so re-importing a file changes nothing.
 */
export async function importRoll(actor: TActor, importId: string, body: Readable): Promise<TImportSummary> {
  const imp = await pool().query<{ user_id: string; status: string }>(`select user_id, status from roll_imports where id = $1`, [importId]);
  const row = imp.rows[0];
  if (!row || row.user_id !== actor.userId) throw AppError.notFound("Import");
  if (row.status !== "running") throw new AppError("CONFLICT", "This import has already finished");
  const claimed = await pool().query(`update roll_imports set bytes_read = 0 where id = $1 and bytes_read = 0 and rows_read = 0 returning id`, [importId]);
  if (!claimed.rowCount) throw new AppError("CONFLICT", "This import's file is already being uploaded");

  const counties = await countyCodes();
  const sha = createHash("sha256");
  let bytes = 0;
  let rowsRead = 0;
  let rejected = 0;
  let rejections: TRejection[] = [];
  let pendingFlush: Promise<void> = Promise.resolve();
  let lastProgress = Date.now();
  let header: { index: Record<TRollField, number>; width: number } | null = null;
  let fatal: string | null = null;

  const reject = (line: number, errs: { field: string; reason: string }[]) => {
    rejected++;
    for (const e of errs) rejections.push({ line, field: e.field, reason: e.reason });
    if (rejections.length >= REJECTION_BATCH) {
      const batch = rejections;
      rejections = [];
      pendingFlush = pendingFlush.then(() => flushRejections(importId, batch));
    }
  };

  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      if (bytes > MAX_IMPORT_BYTES) return cb(new AppError("PAYLOAD_TOO_LARGE", `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB; split it by region`));
      sha.update(chunk);
      cb(null, chunk);
    },
  });
  // Decode leniently so a badly encoded row becomes one rejection rather than the end of the file.
  const decoder = new StringDecoder("utf8");
  const decode = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      cb(null, decoder.write(chunk));
    },
    flush(cb) {
      cb(null, decoder.end());
    },
  });
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, skip_records_with_error: true, info: true });
  parser.on("skip", (err: { lines?: number; message: string }) => {
    rowsRead++;
    reject(err.lines ?? 0, [{ field: "row", reason: `malformed CSV: ${err.message}` }]);
  });

  const toCopy = new Transform({
    writableObjectMode: true,
    transform({ record, info }: { record: string[]; info: { lines: number } }, _enc, cb) {
      if (!header) {
        const m = mapHeader(record);
        if ("error" in m) {
          fatal = `The first line must be the header: ${m.error}`;
          return cb(new AppError("VALIDATION", fatal, { fieldErrors: [{ path: "file.header", message: m.error }] }));
        }
        header = { index: m.index, width: record.length };
        return cb();
      }
      rowsRead++;
      const r = validateRecord(record, header.index, header.width);
      if (!r.ok) {
        reject(info.lines, r.errors);
      } else if (!counties.has(r.value.regionCode) || !inScope(r.value.regionCode, actor.regions)) {
        reject(info.lines, [{ field: "region_code", reason: "is not a county in your regions" }]);
      } else {
        const p = r.value;
        const { cipher, keyVersion } = encryptPii(p.nationalId);
        cb(
          null,
          [
            info.lines,
            uuidv7(),
            `\\\\x${hex(piiHmac(p.nationalId))}`,
            `\\\\x${hex(cipher)}`,
            keyVersion,
            p.nationalId.slice(0, 4),
            p.nationalId.slice(14),
            copyText(p.name),
            p.sex,
            p.birthDate,
            p.regionCode,
            copyText(p.address),
            p.phone,
            p.scheme,
            p.monthlyPensionFen,
            p.paymentStatus,
            p.enrolledOn,
          ].join("\t") + "\n",
        );
        return;
      }
      if (Date.now() - lastProgress > PROGRESS_EVERY_MS) {
        lastProgress = Date.now();
        void pool().query(`update roll_imports set bytes_read = $2, rows_read = $3, rows_rejected = $4 where id = $1`, [importId, bytes, rowsRead, rejected]).catch(() => {});
      }
      cb();
    },
  });

  const client: pg.PoolClient = await pool().connect();
  try {
    await client.query("begin");
    await client.query(`create temp table import_rows (
      line int, id uuid, id_hmac bytea, id_cipher bytea, id_key_version int, id_prefix char(4), id_suffix char(4),
      name text, sex "Sex", birth_date date, region_code text, address text, phone text, scheme text,
      monthly_pension_fen bigint, payment_status "PaymentStatus", enrolled_on date) on commit drop`);
    const copy = client.query(copyFrom(`copy import_rows from stdin`));
    await pipeline(body, meter, decode, parser, toCopy, copy);
    await pendingFlush;
    await flushRejections(importId, rejections);
    rejections = [];

    // Later lines repeating an ID already seen in the file are rejected; the first one stands.
    const dups = await client.query<{ line: number; first: number }>(`
      with ranked as (select line, id_hmac, min(line) over (partition by id_hmac) as first from import_rows)
      delete from import_rows t using ranked r where t.line = r.line and r.line <> r.first
      returning t.line, r.first`);
    for (const d of dups.rows) reject(d.line, [{ field: "national_id", reason: `duplicates the ID number on line ${d.first}` }]);

    // Rows already on the roll: identical ones are unchanged; different ones must be edited, not re-imported.
    const clash = await client.query<{ line: number; same: boolean }>(`
      delete from import_rows t using pensioners p where p.id_hmac = t.id_hmac
      returning t.line, (p.name, p.sex, p.birth_date, p.region_code, p.address, p.phone, p.scheme,
        p.monthly_pension_fen, p.payment_status, p.enrolled_on) is not distinct from
        (t.name, t.sex, t.birth_date, t.region_code, t.address, t.phone, t.scheme,
        t.monthly_pension_fen, t.payment_status, t.enrolled_on) as same`);
    let unchanged = 0;
    for (const c of clash.rows) {
      if (c.same) unchanged++;
      else reject(c.line, [{ field: "national_id", reason: "is already on the roll with different details; edit that pensioner instead" }]);
    }
    await pendingFlush;
    await flushRejections(importId, rejections);

    const ins = await client.query(`
      insert into pensioners (id, id_hmac, id_cipher, id_key_version, id_prefix, id_suffix, name, sex, birth_date,
        region_code, address, phone, scheme, monthly_pension_fen, payment_status, enrolled_on, import_id, updated_at)
      select id, id_hmac, id_cipher, id_key_version, id_prefix, id_suffix, name, sex, birth_date,
        region_code, address, phone, scheme, monthly_pension_fen, payment_status, enrolled_on, $1, now()
      from import_rows order by id
      on conflict (id_hmac) do nothing`, [importId]);
    const inserted = ins.rowCount ?? 0;
    const summary = { rowsRead, rowsInserted: inserted, rowsUnchanged: unchanged, rowsRejected: rejected };
    await client.query(
      `update roll_imports set status = 'completed', bytes_read = $2, file_sha256 = $3, rows_read = $4, rows_inserted = $5,
         rows_unchanged = $6, rows_rejected = $7, finished_at = now() where id = $1`,
      [importId, bytes, sha.digest("hex"), rowsRead, inserted, unchanged, rejected],
    );
    await client.query(
      `insert into audit_events (actor_id, actor_role, action, target_type, target_id, summary, request_id, ip)
       values ($1, $2, 'roll.import', 'rollImport', $3, $4, $5, $6)`,
      [actor.userId, actor.role, importId, JSON.stringify(summary), actor.requestId, actor.ip],
    );
    await client.query("commit");
    return { id: importId, status: "completed", ...summary, error: null };
  } catch (e) {
    await client.query("rollback").catch(() => {});
    await pendingFlush.catch(() => {});
    await flushRejections(importId, rejections).catch(() => {});
    const message = e instanceof AppError ? e.userMessage : "The import failed; no rows were added";
    await finish(importId, { status: "failed", error: fatal ?? message, bytes_read: bytes, rows_read: rowsRead, rows_rejected: rejected });
    if (e instanceof AppError) throw e;
    throw new AppError("INTERNAL", message, { cause: e });
  } finally {
    client.release();
  }
}
