// monthly-run: n pensioners with a generated month of evidence in the reference BDMI service (its
// own process, over signed HTTP), then the timed part: start the run and work it to the end exactly
// as the worker does (batches of 5,000, statuses, transitions, audit, kiosk checks, cases, fees).
// Floor: one INSERT … SELECT writing the same number of status rows into a table of the same shape.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { hash } from "@node-rs/argon2";
import { childEnv, env } from "../../lib/env.js";
import { databaseUrl, pool, prisma } from "../../lib/db/client";
import { freePort } from "../../lib/db/embedded";
import { demoRollCsv } from "../../lib/db/demo-roll";
import { seedRegions } from "../../lib/db/seed";
import { loadDemoEvidence } from "../../lib/bdmi/demo-evidence-loader";
import type { TActor } from "../../lib/server/actor";
import { configuredEndpoint, createBdmiClient } from "../../lib/server/bdmi/bdmi-client";
import { importRoll } from "../../lib/server/imports/import-roll";
import { startRollImport } from "../../lib/server/imports/start-roll-import";
import { rollNationalIds } from "../../lib/server/pensioners/roll-national-ids";
import { processMonthlyRun } from "../../lib/server/runs/process-monthly-run";
import { startMonthlyRun } from "../../lib/server/runs/start-monthly-run";
import { timed, type TBenchContext, type TScenario } from "../harness";

const PERIOD = "2026-10";
const FLOOR_TABLE = "bench_run_floor";

/** The reference BDMI service as its own process on the bench database (the kiosk scenario uses it too). */
export async function startBdmiProcess(url: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "lib/bdmi/service/main.ts"], {
    env: childEnv({ BDMI_DATABASE_URL: url, DATABASE_URL: url, PENSION_EMBEDDED: "0", BDMI_PORT: String(port), LOG_LEVEL: "warn" }),
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  const end = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the BDMI service exited with ${child.exitCode}`);
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break;
    if (Date.now() > end) throw new Error("the BDMI service did not start within 60 s");
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url: base,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** The demo roll in 64 KiB chunks (a stream chunk per line costs more than the line), with progress as it is read. */
function* rollChunks(n: number, counties: string[], ctx: TBenchContext): Generator<string> {
  let buf = "";
  let count = -1; // the header is not a pensioner
  for (const line of demoRollCsv(n, counties)) {
    buf += line;
    count++;
    if (buf.length >= 65_536) {
      yield buf;
      buf = "";
      ctx.progress("importing the roll", count, n);
    }
  }
  if (buf) yield buf;
  ctx.progress("importing the roll", n, n);
}

export const monthlyRunScenario: TScenario = {
  name: "monthly-run",
  defaultN: 1_000_000,
  summary: "start + work the monthly run through the BDMI service over HTTP vs one INSERT … SELECT of the status rows",
  async run(ctx) {
    if (ctx.external) throw new Error("monthly-run needs a fresh database: run it without DATABASE_URL");
    const { n } = ctx;
    await seedRegions();
    const counties = (await prisma().region.findMany({ where: { level: "county" }, select: { code: true }, orderBy: { code: "asc" } })).map((r) => r.code);
    const username = `bench-${randomUUID().slice(0, 8)}`;
    const user = await prisma().user.create({
      data: { username, displayName: username, role: "supervisor", passwordHash: await hash(randomBytes(24).toString("base64")), regions: { create: [{ regionCode: "52" }] } },
      select: { id: true },
    });
    const actor: TActor = { userId: user.id, role: "supervisor", regions: ["52"], requestId: randomUUID(), ip: "127.0.0.1" };

    ctx.log(`setup: importing a roll of ${n.toLocaleString("en")}`);
    const admin: TActor = { ...actor, role: "admin" };
    const imp = await startRollImport(admin, { fileName: "bench.csv", size: 1 });
    const roll = await importRoll(admin, imp.id, Readable.from(rollChunks(n, counties, ctx)));
    if (roll.rowsInserted !== n) throw new Error(`roll import landed ${roll.rowsInserted} of ${n}`);

    const bdmi = await startBdmiProcess(databaseUrl());
    try {
      const endpoint = { ...configuredEndpoint(), baseUrl: bdmi.url };
      const ids = await rollNationalIds((done) => ctx.progress("reading the roll's IDs", done, roll.rowsInserted));
      ctx.log(`setup: a month of evidence for ${ids.length.toLocaleString("en")} pensioners into BDMI`);
      let fed = 0;
      const loaded = await loadDemoEvidence({
        endpoint,
        nationalIds: ids,
        periods: [PERIOD],
        // About 1.95 items a pensioner a month (lib/bdmi/demo-evidence.ts): the feeds' progress is against that.
        onProgress: (p) =>
          p.kind === "enrolled" ? ctx.progress("enrolling", p.done, p.total) : ctx.progress("evidence feeds", (fed += p.report.received), Math.round(ids.length * 1.95)),
      });
      ctx.log(`setup: ${loaded.accepted.toLocaleString("en")} evidence items in ${(loaded.ms / 1000).toFixed(1)} s`);
      // A month's feeds arrive over the month and autovacuum passes over them (and over the roll)
      // long before the run; here they landed seconds ago. Without this the run's first read of each
      // page would set its hint bits and write it back, a cost no real run pays.
      const vac = await timed(() => pool().query(`vacuum (analyze) pensioners, bdmi.subjects, bdmi.evidence`));
      ctx.log(`setup: vacuum analyze in ${vac.seconds.toFixed(1)} s`);

      const client = createBdmiClient(endpoint, { timeoutMs: 60_000, retries: 2 });
      const members = ids.length;
      const follow = setInterval(() => {
        void pool()
          .query<{ done: number }>(`select coalesce(sum(done),0)::int as done from monthly_runs`)
          .then((r) => ctx.progress("monthly run", r.rows[0]!.done, members), () => {});
      }, 500);
      const cpu = process.cpuUsage();
      const { value: runId, seconds } = await timed(async () => {
        const { run } = await startMonthlyRun(actor, { period: PERIOD, regionCodes: ["52"] });
        const result = await processMonthlyRun(run.id, {
          workerId: "bench",
          bdmi: client,
          batchSize: env.RUN_BATCH_SIZE,
          concurrency: env.RUN_CONCURRENCY,
          leaseSeconds: 300,
          retryAfterSeconds: 1,
        });
        if (result !== "completed") throw new Error(`the run ended ${result}`);
        return run.id;
      });
      clearInterval(follow);
      ctx.progress("monthly run", members, members);
      const used = process.cpuUsage(cpu);
      ctx.log(`run: ${seconds.toFixed(1)} s, of which this process (the worker's part) used ${((used.user + used.system) / 1e6).toFixed(1)} s of CPU`);

      const run = await prisma().monthlyRun.findUniqueOrThrow({ where: { id: runId } });
      const statuses = (await pool().query<{ n: number }>(`select count(*)::int as n from survival_statuses where period = $1`, [PERIOD])).rows[0]!.n;
      if (run.done !== members || statuses !== members || run.errors !== 0) {
        throw new Error(`the run assessed ${run.done} (${statuses} rows, ${run.errors} errors) of ${members} pensioners`);
      }
      ctx.log(`run: outcome ${JSON.stringify(run.outcome)}; ${run.checksScheduled} kiosk checks, ${run.casesOpened} cases, fee ${run.feeTotal} base units`);

      await pool().query(`drop table if exists ${FLOOR_TABLE}; create table ${FLOOR_TABLE} (like survival_statuses including defaults)`);
      const { seconds: floorSeconds } = await timed(() =>
        pool().query(
          `insert into ${FLOOR_TABLE} (pensioner_id, period, region_code, status, basis, s, t, model_version, evidence_refs)
           select id, $1, region_code, 'alive', 'score', 0, 8, '1', '{}' from pensioners where payment_status <> 'terminated'`,
          [PERIOD],
        ),
      );
      await pool().query(`drop table ${FLOOR_TABLE}`);
      return { seconds, floorSeconds, p50Ms: null, p95Ms: null };
    } finally {
      await bdmi.stop();
    }
  },
};
