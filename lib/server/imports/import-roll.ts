import "server-only";
import { createHash } from "node:crypto";
import { Readable, Transform } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
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
import { countyCodes } from "../regions/region-names";
import { mapHeader, type TRollField } from "./roll-csv";
import { rollPool } from "./roll-pool";
import { IDENTITY_COLUMNS, idMsFor, PREPARED_COLUMNS, type TPrepareBatch, type TPrepared, type TPrepareTask } from "./roll-prepare";

/** The largest roll file accepted (a province's 10 M pensioners fit in about 1.5 GB). */
export const MAX_IMPORT_BYTES = 1536 * 1024 * 1024;
const REJECTION_BATCH = 5000;
const PROGRESS_EVERY_MS = 500;
/** Bytes of file a worker prepares at a time (about 6,000 rows of the demo roll). */
const BLOCK_BYTES = 1 << 20;
/** Records a worker prepares at a time when the file has quotes and is parsed here. */
const RECORD_BATCH = 5000;
/** Prepared batches waiting to land, at most: enough to keep every worker busy while Postgres lands one. */
const MAX_QUEUED = 8;
/** Rows one COPY (one savepoint) lands: a clash costs at most this much work redone. */
const SEGMENT_ROWS = 200_000;

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
type THeader = { index: Record<TRollField, number>; width: number };

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

/** Resolves when a writable drains, or is done for (its error is the segment's to report). */
function drained(w: NodeJS.EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      w.off("drain", done).off("close", done).off("error", done);
      resolve();
    };
    w.on("drain", done).on("close", done).on("error", done);
  });
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/** Line feeds in buf, or -1 when a CRLF file has a line feed without its carriage return. */
function countLines(buf: Buffer, crlf: boolean): number {
  let n = 0;
  for (let i = buf.indexOf(LF); i !== -1; i = buf.indexOf(LF, i + 1)) {
    if (crlf && buf[i - 1] !== CR) return -1;
    n++;
  }
  return n;
}

function countByte(buf: Buffer, byte: number): number {
  let n = 0;
  for (let i = buf.indexOf(byte); i !== -1; i = buf.indexOf(byte, i + 1)) n++;
  return n;
}

/**
 * Streams a roll CSV into the pensioners table. Every row is validated; valid rows land together in
 * one transaction or not at all, rejected rows are reported with line and reason, and rows already
 * on the roll unchanged are counted, not duplicated, so re-importing a file changes nothing.
 */
export async function importRoll(
  actor: TActor,
  importId: string,
  body: Readable,
  /** Smaller blocks and segments, so that tests cross their edges with a few rows. */
  tuning: { blockBytes?: number; segmentRows?: number } = {},
): Promise<TImportSummary> {
  const blockBytes = tuning.blockBytes ?? BLOCK_BYTES;
  const segmentRows = tuning.segmentRows ?? SEGMENT_ROWS;
  const imp = await pool().query<{ user_id: string; status: string }>(`select user_id, status from roll_imports where id = $1`, [importId]);
  const row = imp.rows[0];
  if (!row || row.user_id !== actor.userId) throw AppError.notFound("Import");
  if (row.status !== "running") throw new AppError("CONFLICT", "This import has already finished");

  const counties = [...(await countyCodes())];
  const sha = createHash("sha256");
  let bytes = 0;
  let rowsRead = 0;
  let rejected = 0;
  let rejections: TRejection[] = [];
  let pendingFlush: Promise<void> = Promise.resolve();
  let lastProgress = Date.now();
  let header: THeader | null = null;
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
  const progress = () => {
    if (Date.now() - lastProgress <= PROGRESS_EVERY_MS) return;
    lastProgress = Date.now();
    void pool().query(`update roll_imports set bytes_read = $2, rows_read = $3, rows_rejected = $4 where id = $1`, [importId, bytes, rowsRead, rejected]).catch(() => {});
  };
  const setHeader = (cells: string[]) => {
    const m = mapHeader(cells);
    if ("error" in m) {
      fatal = m.error;
      throw new AppError("VALIDATION", "The first line must be the roll's header", { fieldErrors: [{ path: "file.header", message: m.error }] });
    }
    header = { index: m.index, width: cells.length };
  };

  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      if (bytes > MAX_IMPORT_BYTES) return cb(new AppError("PAYLOAD_TOO_LARGE", `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB; split it by region`));
      sha.update(chunk);
      cb(null, chunk);
    },
  });

  const client: pg.PoolClient = await pool().connect();
  let inserted = 0;
  let unchanged = 0;

  // ---- Landing: prepared batches, in file order, stream into pensioners through COPY ----

  /** One COPY straight into pensioners under a savepoint; the batches are kept in case it clashes. */
  type TSegment = { copy: ReturnType<typeof copyFrom>; batches: TPrepared[]; rows: number; error: Error | null };
  let segment: TSegment | null = null;

  async function copyIn(sql: string, parts: Uint8Array[]): Promise<number> {
    const copy = client.query(copyFrom(sql));
    await pipeline(Readable.from(parts.filter((p) => p.length)), copy);
    return copy.rowCount;
  }

  async function openSegment(): Promise<TSegment> {
    await client.query("savepoint roll_segment");
    const copy = client.query(copyFrom(`copy pensioners (${PREPARED_COLUMNS}) from stdin`));
    const s: TSegment = { copy, batches: [], rows: 0, error: null };
    copy.on("error", (e: Error) => (s.error ??= e));
    return s;
  }

  async function land(b: TPrepared): Promise<void> {
    segment ??= await openSegment();
    const s = segment;
    s.batches.push(b);
    s.rows += b.valid;
    if (b.valid && !s.error && !s.copy.write(b.rows)) await drained(s.copy);
    if (s.rows >= segmentRows) await closeSegment();
  }

  /**
   * Ends the open COPY, then claims the segment's ID numbers in pensioner_identities with a second
   * COPY. Rows that clash with the roll (an ID number already there, or twice in the file) fail that
   * one on its key: the segment is rolled back to its savepoint and landed again row by row in SQL
   * (landClashing), which words each clash. A fresh roll never pays for that.
   */
  async function closeSegment(): Promise<void> {
    const s = segment;
    if (!s) return;
    segment = null;
    if (!s.error) {
      s.copy.end();
      await finished(s.copy).catch((e: Error) => (s.error ??= e));
    }
    if (!s.error) {
      // Through a staging table, so that the claims go into the key's B-tree in key order.
      await copyIn(`copy import_claims (${IDENTITY_COLUMNS}) from stdin`, s.batches.map((b) => b.identities))
        .then(() => client.query(`insert into pensioner_identities (${IDENTITY_COLUMNS}) select ${IDENTITY_COLUMNS} from import_claims order by id_hmac`))
        .then(() => client.query(`truncate import_claims`))
        .catch((e: Error) => (s.error = e));
    }
    if (s.error) {
      if ((s.error as { code?: string }).code !== "23505") throw s.error;
      await client.query("rollback to savepoint roll_segment");
      await landClashing(s.batches);
    } else {
      await client.query("release savepoint roll_segment");
      inserted += s.copy.rowCount;
      await copyIn(`copy import_seen (line, id, id_hmac) from stdin`, s.batches.map((b) => b.seen));
    }
  }

  /**
   * Lands a segment with clashes. Duplicates within it are set aside first (the earliest line
   * stands); the rest claim their ID numbers in pensioner_identities, which turns away the ID numbers
   * already there, and the rows that claimed theirs go into pensioners. Those turned away are worded: a repeat of an earlier line of this file (import_seen
   * remembers every line that stood), an unchanged pensioner, or a pensioner with different details.
   */
  async function landClashing(batches: TPrepared[]): Promise<void> {
    const total = await copyIn(`copy import_raw (${PREPARED_COLUMNS}) from stdin`, batches.map((b) => b.rows));
    await copyIn(`copy import_lines (line, id, id_hmac) from stdin`, batches.map((b) => b.seen));
    await client.query(`insert into import_rows select l.line, r.* from import_raw r join import_lines l using (id) order by l.line`);
    await client.query(`truncate import_raw, import_lines`);

    const dups = await client.query<{ line: number; first: number }>(`
      with ranked as (select line, min(line) over (partition by id_hmac) as first from import_rows)
      delete from import_rows t using ranked r where t.line = r.line and r.line <> r.first
      returning t.line, r.first`);
    await client.query(`insert into import_seen (line, id, id_hmac) select line, id, id_hmac from import_rows`);

    const ins = await client.query(`
      with claimed as (
        insert into pensioner_identities (${IDENTITY_COLUMNS})
        select id_hmac, id, region_code from import_rows order by line
        on conflict (id_hmac) do nothing returning pensioner_id)
      insert into pensioners (${PREPARED_COLUMNS})
      select ${PREPARED_COLUMNS} from import_rows where id in (select pensioner_id from claimed) order by line`);
    inserted += ins.rowCount ?? 0;

    // A line that repeats one of an earlier segment: it, and its repeats in this one, cite that line.
    const repeatOf = new Map<number, number>();
    if (total - dups.rows.length > (ins.rowCount ?? 0)) {
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

  // ---- Preparing: worker threads validate and encrypt while Postgres lands earlier batches ----

  const workers = rollPool();
  let idMs = 0;
  let landing: Promise<void> = Promise.resolve();
  const landed: Promise<void>[] = [];
  let failed: unknown = null;

  /** Hands a batch to the pool; its result lands after every batch before it, whichever finishes first. */
  async function submit(task: TPrepareBatch, maxRows: number): Promise<void> {
    if (failed) throw failed;
    // Each batch gets its own range of UUIDv7 milliseconds, after the previous batch's, so IDs
    // rise with the line across batches prepared in parallel.
    idMs = Math.max(Date.now(), idMs);
    const full: TPrepareTask = { ...task, header: header!, counties, regions: actor.regions, importId, idMs };
    idMs += idMsFor(maxRows);
    const prepared = workers.run(full);
    prepared.catch(() => {});
    landing = landing.then(async () => {
      const b = await prepared;
      if (failed) return;
      rowsRead += b.rowsRead;
      for (const r of b.rejections) reject(r.line, r.errors);
      await land(b);
    });
    landing.catch((e: unknown) => (failed ??= e));
    landed.push(landing);
    // Backpressure: at most MAX_QUEUED batches in the pool or waiting to land.
    if (landed.length > MAX_QUEUED) await landed.shift()!.catch(() => {});
    if (failed) throw failed;
    progress();
  }

  /**
   * Reads the file in blocks of whole lines. While the file has no quotes, a block goes to a worker
   * as it is (a line is a record, split on commas, exactly what csv-parse makes of it); from the
   * first block with a quote (or line endings csv-parse would read differently) the rest is parsed
   * here by csv-parse and its records go to the workers.
   */
  async function read(): Promise<void> {
    const it = meter[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    let carry: Buffer = Buffer.alloc(0);
    let line = 1; // the number of the block's first line
    let crlf: boolean | null = null; // the record delimiter csv-parse would detect
    let start = true;
    let done = false;
    let slow: Buffer | null = null;

    while (!done) {
      const parts: Buffer[] = [carry];
      let size = carry.length;
      while (size < blockBytes) {
        const r = await it.next();
        if (r.done) {
          done = true;
          break;
        }
        parts.push(r.value);
        size += r.value.length;
      }
      const buf = parts.length === 1 ? carry : Buffer.concat(parts, size);
      const cut = done ? buf.length : buf.lastIndexOf(LF) + 1;
      if (cut === 0) {
        // No line end in a whole block: a very long line; read on until one comes.
        if (buf.length < 16 * blockBytes) {
          carry = buf;
          continue;
        }
        slow = buf;
        break;
      }
      let block = buf.subarray(0, cut);
      carry = buf.subarray(cut);
      if (start) {
        const lf = block.indexOf(LF);
        const cr = block.indexOf(CR);
        // csv-parse takes its record delimiter from the first line end: "\r" alone is left to it.
        crlf = lf > 0 && cr === lf - 1 ? true : cr === -1 || (lf !== -1 && cr > lf) ? false : null;
      }
      const quoted = block.indexOf(QUOTE) !== -1;
      const lines = crlf === null || quoted ? -1 : countLines(block, crlf);
      if (lines < 0 || (crlf ? countByte(block, CR) !== lines : block.indexOf(CR) !== -1)) {
        slow = Buffer.concat([block, carry]);
        break;
      }
      if (start) {
        start = false;
        if (block[0] === 0xef && block[1] === 0xbb && block[2] === 0xbf) block = block.subarray(3);
      }
      if (!header) {
        // The header is the first line that is not empty.
        const text = block.toString("utf8");
        let at = 0;
        while (!header && at < text.length) {
          let end = text.indexOf("\n", at);
          if (end < 0) end = text.length;
          const s = text.slice(at, crlf && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
          line++;
          at = end + 1;
          if (s.length) setHeader(s.split(","));
        }
        block = Buffer.from(text.slice(at), "utf8");
      }
      const blockLines = countLines(block, crlf!) + (done && block.length && block[block.length - 1] !== LF ? 1 : 0);
      if (header && block.length) await submit({ kind: "lines", text: block, crlf: crlf!, firstLine: line }, blockLines);
      line += blockLines;
    }
    if (slow) await readSlow(slow, it, line - 1, start, crlf);
  }

  /** The rest of the file, from a line start, through csv-parse; its lines count from `before`. */
  async function readSlow(first: Buffer, it: AsyncIterator<Buffer>, before: number, atStart: boolean, crlf: boolean | null): Promise<void> {
    async function* rest() {
      yield first;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    }
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
    const parser = parse({
      bom: atStart,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      info: true,
      ...(crlf === null ? {} : { record_delimiter: crlf ? "\r\n" : "\n" }),
    });
    parser.on("skip", (err: { lines?: number; message: string }) => {
      rowsRead++;
      reject(before + (err.lines ?? 0), [{ field: "row", reason: vmsg("malformed", { detail: err.message }) }]);
    });
    const source = Readable.from(rest());
    source.pipe(decode).pipe(parser);
    source.on("error", (e) => parser.destroy(e));
    decode.on("error", (e) => parser.destroy(e));
    let batch: { cells: string[]; line: number }[] = [];
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!header) {
        setHeader(record);
        continue;
      }
      batch.push({ cells: record, line: before + info.lines });
      if (batch.length >= RECORD_BATCH) {
        await submit({ kind: "records", records: batch }, batch.length);
        batch = [];
      }
    }
    if (batch.length) await submit({ kind: "records", records: batch }, batch.length);
  }

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
    const columns = `id uuid, id_hmac bytea, id_cipher bytea, id_key_version int, id_prefix char(4), id_suffix char(4),
      name text, sex "Sex", birth_date date, region_code text, address text, phone text, scheme text,
      monthly_pension_fen bigint, payment_status "PaymentStatus", enrolled_on date, import_id uuid`;
    await client.query(`create temp table import_raw (${columns}) on commit drop`);
    await client.query(`create temp table import_rows (line int, ${columns}) on commit drop`);
    await client.query(`create temp table import_lines (line int, id uuid, id_hmac bytea) on commit drop`);
    await client.query(`create temp table import_seen (line int, id uuid, id_hmac bytea) on commit drop`);
    await client.query(`create temp table import_claims (id_hmac bytea, pensioner_id uuid, region_code text) on commit drop`);
    // The request body is piped, not put in the pipeline: a failed pipeline would destroy it and
    // cancel the request stream under Next.js ("ReadableStream is already closed"). Its own errors
    // (a dropped connection) still fail the import.
    body.on("error", (e) => meter.destroy(e));
    body.pipe(meter);
    await read();
    await landing;
    if (failed) throw failed;
    await closeSegment();
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
    failed ??= e;
    // Read the rest of the upload and drop it, so the client gets its answer rather than a reset.
    body.unpipe(meter);
    if (!body.destroyed) body.resume();
    await landing.catch(() => {}); // a batch still landing keeps the connection busy
    const s = segment as TSegment | null;
    if (s && !s.error) {
      s.copy.destroy(new Error("import failed"));
      await finished(s.copy).catch(() => {});
    }
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
