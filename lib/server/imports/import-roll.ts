import "server-only";
import { createHash } from "node:crypto";
import { Readable, Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { StringDecoder } from "node:string_decoder";
import { parse } from "csv-parse";
import { from as copyFrom } from "pg-copy-streams";
import type pg from "pg";
import { pool } from "../../db/client";
import type { TEnrolJob } from "../bdmi/enrol-subjects";
import { enqueue } from "../jobs/enqueue";
import { ENROL_JOB_OPTIONS, QUEUES } from "../jobs/queues";
import { vmsg } from "../../i18n/validation";
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
const COPY_PART_BYTES = 256 * 1024;
/** Rows Postgres lands at a time while the next chunk is being read (see loadChunk). */
const CHUNK_ROWS = 50_000;

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

/**
 * Valid rows as COPY text, gathered into ~256 KB buffers: one CopyData message (two socket writes)
 * per row costs more than validating and encrypting the row, and a row's string, copied out at once,
 * dies young instead of being carried through the garbage collector until its chunk is sent.
 */
class CopyChunk {
  rows = 0;
  private parts: Buffer[] = [];
  private buf = Buffer.allocUnsafe(COPY_PART_BYTES);
  private at = 0;

  add(row: string): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8, so this bound never truncates a row.
    if (this.buf.length - this.at < row.length * 3) {
      this.parts.push(this.buf.subarray(0, this.at));
      this.buf = Buffer.allocUnsafe(Math.max(COPY_PART_BYTES, row.length * 3));
      this.at = 0;
    }
    this.at += this.buf.write(row, this.at);
    this.rows++;
  }

  /** The rows so far, and a fresh start. */
  take(): Buffer[] {
    const parts = this.parts;
    if (this.at) parts.push(this.buf.subarray(0, this.at));
    this.parts = [];
    this.buf = Buffer.allocUnsafe(COPY_PART_BYTES);
    this.at = 0;
    this.rows = 0;
    return parts;
  }
}

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
    reject(err.lines ?? 0, [{ field: "row", reason: vmsg("malformed", { detail: err.message }) }]);
  });

  const pending = new CopyChunk();
  /** Validates and encrypts one record, gathering it into the next chunk when valid. */
  const take = (cells: string[], line: number, out: Transform) => {
    if (!header) {
      const m = mapHeader(cells);
      if ("error" in m) {
        fatal = m.error;
        throw new AppError("VALIDATION", "The first line must be the roll's header", { fieldErrors: [{ path: "file.header", message: m.error }] });
      }
      header = { index: m.index, width: cells.length };
      return;
    }
    rowsRead++;
    const r = validateRecord(cells, header.index, header.width);
    if (!r.ok) {
      reject(line, r.errors);
    } else if (!counties.has(r.value.regionCode) || !inScope(r.value.regionCode, actor.regions)) {
      reject(line, [{ field: "region_code", reason: vmsg("notInRegion") }]);
    } else {
      const p = r.value;
      const { cipher, keyVersion } = encryptPii(p.nationalId);
      pending.add(
        `${line}\t${uuidv7()}\t\\\\x${hex(piiHmac(p.nationalId))}\t\\\\x${hex(cipher)}\t${keyVersion}\t` +
          `${p.nationalId.slice(0, 4)}\t${p.nationalId.slice(14)}\t${copyText(p.name)}\t${p.sex}\t${p.birthDate}\t` +
          `${p.regionCode}\t${copyText(p.address)}\t${p.phone}\t${p.scheme}\t${p.monthlyPensionFen}\t${p.paymentStatus}\t${p.enrolledOn}\n`,
      );
      if (pending.rows >= CHUNK_ROWS) out.push(pending.take());
    }
  };
  const toChunks = new Transform({
    writableObjectMode: true,
    readableObjectMode: true,
    // At most one finished chunk waits while Postgres loads another: memory stays at a few chunks.
    readableHighWaterMark: 1,
    transform({ record, info }: { record: string[]; info: { lines: number } }, _enc, cb) {
      try {
        take(record, info.lines, this);
      } catch (e) {
        return cb(e as Error);
      }
      if (Date.now() - lastProgress > PROGRESS_EVERY_MS) {
        lastProgress = Date.now();
        void pool().query(`update roll_imports set bytes_read = $2, rows_read = $3, rows_rejected = $4 where id = $1`, [importId, bytes, rowsRead, rejected]).catch(() => {});
      }
      cb();
    },
    flush(cb) {
      cb(null, pending.rows ? pending.take() : undefined);
    },
  });

  const client: pg.PoolClient = await pool().connect();
  let inserted = 0;
  let unchanged = 0;
  let loading: Promise<void> = Promise.resolve();

  /**
   * Lands one chunk. Duplicates within it are set aside first (the earliest line stands); the rest go
   * straight into pensioners, and the unique index on id_hmac turns away the ID numbers already
   * there, which are then worded: a repeat of an earlier line of this file (import_seen remembers
   * every line that stood), an unchanged pensioner, or a pensioner with different details. Looking
   * each row up on the roll beforehand would cost as much as the insert, and more as the roll grows.
   */
  async function loadChunk(chunk: Buffer[]): Promise<void> {
    const copy = client.query(copyFrom(`copy import_rows from stdin`));
    await pipeline(Readable.from(chunk), copy);

    const dups = await client.query<{ line: number; first: number }>(`
      with ranked as (select line, min(line) over (partition by id_hmac) as first from import_rows)
      delete from import_rows t using ranked r where t.line = r.line and r.line <> r.first
      returning t.line, r.first`);
    await client.query(`insert into import_seen select id_hmac, line from import_rows`);

    // import_rows is in line order and its IDs rise with the line, so no sort is needed: each new
    // row lands on the primary key's last page.
    const ins = await client.query(`
      insert into pensioners (id, id_hmac, id_cipher, id_key_version, id_prefix, id_suffix, name, sex, birth_date,
        region_code, address, phone, scheme, monthly_pension_fen, payment_status, enrolled_on, import_id, updated_at)
      select id, id_hmac, id_cipher, id_key_version, id_prefix, id_suffix, name, sex, birth_date,
        region_code, address, phone, scheme, monthly_pension_fen, payment_status, enrolled_on, $1, now()
      from import_rows
      on conflict (id_hmac) do nothing`, [importId]);
    inserted += ins.rowCount ?? 0;

    // A line that repeats one of an earlier chunk: it, and its repeats in this chunk, cite that line.
    const repeatOf = new Map<number, number>();
    if (copy.rowCount - dups.rows.length > (ins.rowCount ?? 0)) {
      // Turned away: rows whose ID number is on the roll under another pensioner. Both lookups are
      // index probes per row turned away (LIMIT 1 keeps the planner from joining the whole roll),
      // so even re-importing a whole province stays linear; import_seen gets its index only now,
      // so imports of new pensioners never pay for it.
      await client.query(`create index if not exists import_seen_hmac on import_seen (id_hmac, line)`);
      const clash = await client.query<{ line: number; first: number | null; same: boolean }>(`
        select t.line,
          (select min(s.line) from import_seen s where s.id_hmac = t.id_hmac and s.line < t.line) as first,
          (p.name, p.sex, p.birth_date, p.region_code, p.address, p.phone, p.scheme,
          p.monthly_pension_fen, p.payment_status, p.enrolled_on) is not distinct from
          (t.name, t.sex, t.birth_date, t.region_code, t.address, t.phone, t.scheme,
          t.monthly_pension_fen, t.payment_status, t.enrolled_on) as same
        from import_rows t
        cross join lateral (select * from pensioners p where p.id_hmac = t.id_hmac limit 1) p
        where p.id <> t.id`);
      for (const c of clash.rows) {
        if (c.first !== null) repeatOf.set(c.line, c.first);
        else if (c.same) unchanged++;
        else reject(c.line, [{ field: "national_id", reason: vmsg("rollDifferent") }]);
      }
    }
    for (const [line, first] of repeatOf) reject(line, [{ field: "national_id", reason: vmsg("duplicateLine", { line: first }) }]);
    for (const d of dups.rows) {
      reject(d.line, [{ field: "national_id", reason: vmsg("duplicateLine", { line: repeatOf.get(d.first) ?? d.first }) }]);
    }
    await client.query(`truncate import_rows`);
  }

  // Postgres lands chunk k while this process parses, validates and encrypts chunk k+1: the two
  // halves of the work use the two CPUs at once instead of one after the other.
  const loader = new Writable({
    objectMode: true,
    highWaterMark: 1,
    write(chunk: Buffer[], _enc, cb) {
      loading = loadChunk(chunk);
      loading.then(() => cb(), cb);
    },
  });

  // One upload per import: the transaction holds an advisory lock on the import, and the status is
  // read again under it. A losing upload leaves before the catch below, which would mark the import failed.
  await client.query("begin");
  const lock = await client.query<{ ok: boolean; status: string }>(
    `select pg_try_advisory_xact_lock(hashtext('roll_import'), hashtext($1::text)) as ok, (select status from roll_imports where id = $1::uuid) as status`,
    [importId],
  );
  if (!lock.rows[0]?.ok || lock.rows[0].status !== "running") {
    await client.query("rollback");
    client.release();
    throw new AppError("CONFLICT", "This import's file is already being uploaded, or the import has finished");
  }
  try {
    await client.query(`create temp table import_rows (
      line int, id uuid, id_hmac bytea, id_cipher bytea, id_key_version int, id_prefix char(4), id_suffix char(4),
      name text, sex "Sex", birth_date date, region_code text, address text, phone text, scheme text,
      monthly_pension_fen bigint, payment_status "PaymentStatus", enrolled_on date) on commit drop`);
    await client.query(`create temp table import_seen (id_hmac bytea, line int) on commit drop`);
    // The request body is piped, not put in the pipeline: a failed pipeline would destroy it and
    // cancel the request stream under Next.js ("ReadableStream is already closed"). Its own errors
    // (a dropped connection) still fail the import.
    body.on("error", (e) => meter.destroy(e));
    body.pipe(meter);
    await pipeline(meter, decode, parser, toChunks, loader);
    await pendingFlush;
    await flushRejections(importId, rejections);
    rejections = [];

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
    if (inserted > 0) await enqueue(client, QUEUES.bdmiEnrol, { importId } satisfies TEnrolJob, ENROL_JOB_OPTIONS);
    await client.query("commit");
    return { id: importId, status: "completed", ...summary, error: null };
  } catch (e) {
    // Read the rest of the upload and drop it, so the client gets its answer rather than a reset.
    body.unpipe(meter);
    if (!body.destroyed) body.resume();
    await loading.catch(() => {}); // a chunk still loading keeps the connection busy
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
