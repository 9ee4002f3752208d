// import: a roll CSV of n pensioners through importRoll (every row validated, ID numbers encrypted
// and HMACed, deduplicated, one transaction), against COPY of the same rows, already validated and
// encrypted, into a table made `like pensioners including all` (the same columns, defaults, primary
// key, unique and plain indexes; pensioners has no foreign keys or triggers, which the run checks).
import { randomBytes, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, statSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import { once } from "node:events";
import { hash } from "@node-rs/argon2";
import { from as copyFrom } from "pg-copy-streams";
import { pool, prisma } from "../../lib/db/client";
import { demoRollCsv, ROLL_CSV_HEADER } from "../../lib/db/demo-roll";
import { seedRegions } from "../../lib/db/seed";
import type { TActor } from "../../lib/server/actor";
import { importRoll } from "../../lib/server/imports/import-roll";
import { mapHeader } from "../../lib/server/imports/roll-csv";
import { closeRollPool, rollPool } from "../../lib/server/imports/roll-pool";
import { PREPARED_COLUMNS, type TPrepared } from "../../lib/server/imports/roll-prepare";
import { startRollImport } from "../../lib/server/imports/start-roll-import";
import { timed, type TBenchContext, type TScenario } from "../harness";

const FLOOR_TABLE = "bench_import_floor";
const ROLL_HEADER_CELLS = ROLL_CSV_HEADER.trim().split(",");

/** Joins the generator's lines into ~64 KB chunks: a million one-line writes would time the writer, not the data. */
async function* chunked(lines: Iterable<string>, n: number, ctx: TBenchContext): AsyncGenerator<string> {
  let buf = "";
  let count = -1; // the header is not a pensioner
  for (const line of lines) {
    buf += line;
    count++;
    if (buf.length >= 65_536) {
      yield buf;
      buf = "";
      ctx.progress("writing the CSV", count, n);
    }
  }
  if (buf) yield buf;
  ctx.progress("writing the CSV", n, n);
}

/**
 * Reports how far a file stream has read by polling it, so the timed path carries no extra stream
 * stage; `then` says what happens once the whole file is read (the set-based part of an import).
 */
function followRead(stream: { bytesRead: number }, size: number, label: string, ctx: TBenchContext, then?: string): () => void {
  let read = false;
  const t = setInterval(() => {
    ctx.progress(label, stream.bytesRead, size);
    if (then && !read && stream.bytesRead >= size) {
      read = true;
      ctx.log(then);
    }
  }, 200);
  return () => {
    clearInterval(t);
    ctx.progress(label, size, size);
  };
}

/**
 * Prepares the CSV's rows as the import would, with the same code and pool, and writes the COPY
 * text to `out`. Blocks are split on line ends: the demo roll has no quotes.
 */
async function prepareFloorRows(csv: string, out: string, counties: string[], n: number, ctx: TBenchContext): Promise<void> {
  const text = createReadStream(csv);
  const sink = createWriteStream(out);
  const head = ROLL_HEADER_CELLS;
  const m = mapHeader(head);
  if ("error" in m) throw new Error(m.error);
  const header = { index: m.index, width: head.length };
  const importId = randomUUID();
  const queue: Promise<TPrepared>[] = [];
  let carry: Buffer = Buffer.alloc(0);
  let line = 1;
  let first = true;
  let idMs = Date.now();
  let done = 0;
  const drain = async (keep: number) => {
    while (queue.length > keep) {
      const r = await queue.shift()!;
      done += r.valid;
      if (r.rejections.length) throw new Error(`the demo roll has a rejected row: ${JSON.stringify(r.rejections[0])}`);
      if (!sink.write(r.rows)) await once(sink, "drain");
      ctx.progress("floor: preparing the rows", done, n);
    }
  };
  const submit = (block: Buffer) => {
    let lines = 0;
    for (let i = block.indexOf(10); i !== -1; i = block.indexOf(10, i + 1)) lines++;
    if (first) {
      // The header line is not a row.
      const nl = block.indexOf(10);
      block = block.subarray(nl + 1);
      line = 2;
      lines--;
      first = false;
    }
    queue.push(rollPool().run({ kind: "lines", text: block, crlf: false, firstLine: line, header, counties, regions: ["52"], importId, idMs }));
    idMs += Math.ceil(lines / 2048) + 1;
    line += lines;
  };
  for await (const chunk of text as AsyncIterable<Buffer>) {
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const cut = buf.lastIndexOf(10) + 1;
    carry = buf.subarray(cut);
    if (cut) submit(buf.subarray(0, cut));
    await drain(4);
  }
  if (carry.length) submit(Buffer.concat([carry, Buffer.from("\n")]));
  await drain(0);
  sink.end();
  await finished(sink);
  if (done !== n) throw new Error(`prepared ${done} rows for the floor, expected ${n}`);
}

export const importScenario: TScenario = {
  name: "import",
  defaultN: 1_000_000,
  summary: "importRoll of a CSV of n pensioners vs COPY of the same rows, validated and encrypted beforehand, into a table like pensioners (same indexes)",
  async run(ctx) {
    const { n } = ctx;
    await seedRegions();
    const counties = (await prisma().region.findMany({ where: { level: "county" }, select: { code: true }, orderBy: { code: "asc" } })).map((r) => r.code);
    const file = path.join(ctx.dir, "roll.csv");
    await pipeline(Readable.from(chunked(demoRollCsv(n, counties), n, ctx)), createWriteStream(file));
    const size = statSync(file).size;
    ctx.log(`roll CSV: ${(size / 1024 / 1024).toFixed(1)} MB over ${counties.length} counties`);

    // Floor, untimed part: the same rows validated, encrypted and HMACed by the import's own
    // code (prepareRows, in its worker pool), written out as the COPY text the import sends.
    const floorFile = path.join(ctx.dir, "floor.copy");
    await prepareFloorRows(file, floorFile, counties, n, ctx);
    const floorSize = statSync(floorFile).size;

    // Floor, timed part: COPY of those rows into a table with pensioners' columns, indexes and constraints.
    const extra = (
      await pool().query<{ n: number }>(
        `select (select count(*) from pg_constraint where conrelid = 'pensioners'::regclass and contype in ('f', 't', 'x'))::int
              + (select count(*) from pg_trigger where tgrelid = 'pensioners'::regclass)::int as n`,
      )
    ).rows[0]!.n;
    if (extra) throw new Error("pensioners has foreign keys, triggers or exclusion constraints that `like … including all` does not copy: give the floor table the same");
    await pool().query(`drop table if exists ${FLOOR_TABLE}; create table ${FLOOR_TABLE} (like pensioners including all)`);
    const indexes = async (t: string) => (await pool().query<{ n: number }>(`select count(*)::int as n from pg_index where indrelid = $1::regclass`, [t])).rows[0]!.n;
    const [ours, theirs] = [await indexes(FLOOR_TABLE), await indexes("pensioners")];
    if (ours !== theirs) throw new Error(`floor table has ${ours} indexes, pensioners ${theirs}`);
    ctx.log(`floor: ${FLOOR_TABLE} like pensioners including all (${ours} indexes), ${(floorSize / 1024 / 1024).toFixed(1)} MB of COPY text`);
    const client = await pool().connect();
    let floorSeconds: number;
    try {
      const source = createReadStream(floorFile);
      const done = followRead(source, floorSize, "floor: COPY", ctx);
      ({ seconds: floorSeconds } = await timed(() => pipeline(source, client.query(copyFrom(`copy ${FLOOR_TABLE} (${PREPARED_COLUMNS}) from stdin`)))));
      done();
    } finally {
      client.release();
    }
    const floorRows = (await pool().query<{ n: number }>(`select count(*)::int as n from ${FLOOR_TABLE}`)).rows[0]!.n;
    await pool().query(`drop table ${FLOOR_TABLE}`);
    // The import starts on an even footing: no checkpoint of the floor's writes falls inside it.
    await pool().query(`checkpoint`);
    if (floorRows !== n) throw new Error(`floor COPY loaded ${floorRows} rows, expected ${n}`);
    ctx.log(`floor: ${floorSeconds.toFixed(1)} s, ${Math.round(n / floorSeconds).toLocaleString("en")} rows/s`);

    const username = `bench-officer-${randomUUID().slice(0, 8)}`;
    const user = await prisma().user.create({
      data: {
        username,
        displayName: username,
        role: "officer",
        passwordHash: await hash(randomBytes(24).toString("base64")),
        regions: { create: [{ regionCode: "52" }] },
      },
      select: { id: true },
    });
    const actor: TActor = { userId: user.id, role: "officer", regions: ["52"], requestId: randomUUID(), ip: "127.0.0.1" };
    const imp = await startRollImport(actor, { fileName: "bench-roll.csv", size });

    const source = createReadStream(file);
    const done = followRead(source, size, "import: reading the file", ctx, "import: file read; landing the last chunk");
    const cpu = process.cpuUsage();
    const { value: r, seconds } = await timed(() => importRoll(actor, imp.id, source));
    done();
    // Where the time went: this process (parse, validate, encrypt) against Postgres (the rest).
    const used = process.cpuUsage(cpu);
    ctx.log(
      `import: ${seconds.toFixed(1)} s, ${Math.round(n / seconds).toLocaleString("en")} rows/s; this process (main thread and ` +
        `its workers) used ${((used.user + used.system) / 1e6).toFixed(1)} s of CPU`,
    );
    await closeRollPool();

    try {
      if (r.status !== "completed" || r.rowsRead !== n || r.rowsInserted !== n || r.rowsRejected !== 0) {
        throw new Error(`importRoll did not land the whole roll: ${JSON.stringify(r)}`);
      }
      const landed = (await pool().query<{ n: number }>(`select count(*)::int as n from pensioners where import_id = $1`, [imp.id])).rows[0]!.n;
      if (landed !== n) throw new Error(`importRoll reported ${r.rowsInserted} rows but ${landed} are on the roll`);
    } finally {
      if (ctx.external) {
        // Audit events are append-only and stay; the roll is put back as it was.
        ctx.log("removing the imported rows from DATABASE_URL");
        await pool().query(`delete from pensioners where import_id = $1`, [imp.id]);
      }
    }
    return { seconds, floorSeconds, p50Ms: null, p95Ms: null };
  },
};
