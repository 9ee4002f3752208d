// import: a roll CSV of n pensioners through importRoll (every row validated, ID numbers encrypted
// and HMACed, deduplicated, one transaction), against COPY of the same file into a plain text table.
import { randomBytes, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, statSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { hash } from "@node-rs/argon2";
import { from as copyFrom } from "pg-copy-streams";
import { pool, prisma } from "../../lib/db/client";
import { demoRollCsv } from "../../lib/db/demo-roll";
import { seedRegions } from "../../lib/db/seed";
import type { TActor } from "../../lib/server/actor";
import { importRoll } from "../../lib/server/imports/import-roll";
import { ROLL_COLUMNS } from "../../lib/server/imports/roll-csv";
import { startRollImport } from "../../lib/server/imports/start-roll-import";
import { timed, type TBenchContext, type TScenario } from "../harness";

const FLOOR_TABLE = "bench_import_floor";

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

export const importScenario: TScenario = {
  name: "import",
  defaultN: 1_000_000,
  summary: "importRoll of a CSV of n pensioners vs COPY of the same CSV into an unconstrained text table",
  async run(ctx) {
    const { n } = ctx;
    await seedRegions();
    const counties = (await prisma().region.findMany({ where: { level: "county" }, select: { code: true }, orderBy: { code: "asc" } })).map((r) => r.code);
    const file = path.join(ctx.dir, "roll.csv");
    await pipeline(Readable.from(chunked(demoRollCsv(n, counties), n, ctx)), createWriteStream(file));
    const size = statSync(file).size;
    ctx.log(`roll CSV: ${(size / 1024 / 1024).toFixed(1)} MB over ${counties.length} counties`);

    // Floor: the same bytes into a table of the CSV's shape, no validation, no constraints.
    const columns = ROLL_COLUMNS.map((c) => `${c[1]} text`).join(", ");
    await pool().query(`drop table if exists ${FLOOR_TABLE}; create table ${FLOOR_TABLE} (${columns})`);
    const client = await pool().connect();
    let floorSeconds: number;
    try {
      const source = createReadStream(file);
      const done = followRead(source, size, "floor: COPY", ctx);
      ({ seconds: floorSeconds } = await timed(() =>
        pipeline(source, client.query(copyFrom(`copy ${FLOOR_TABLE} from stdin with (format csv, header true)`))),
      ));
      done();
    } finally {
      client.release();
    }
    const floorRows = (await pool().query<{ n: number }>(`select count(*)::int as n from ${FLOOR_TABLE}`)).rows[0]!.n;
    await pool().query(`drop table ${FLOOR_TABLE}`);
    if (floorRows !== n) throw new Error(`floor COPY loaded ${floorRows} rows, expected ${n}`);

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
    ctx.log(`import: ${seconds.toFixed(1)} s, of which this process used ${((used.user + used.system) / 1e6).toFixed(1)} s of CPU`);

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
