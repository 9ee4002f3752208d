// monthly-run: n pensioners with a generated month of evidence in the reference BDMI service (its
// own process, over signed HTTP), then the timed part: start the run and work it to the end exactly
// as the worker does (batches of 5,000, statuses, transitions, audit, kiosk checks, cases, fees).
// Floor: one INSERT … SELECT writing the same number of status rows into a table of the same shape.
import { env } from "../../lib/env.js";
import { pool, prisma } from "../../lib/db/client";
import { createBdmiClient } from "../../lib/server/bdmi/bdmi-client";
import { processMonthlyRun } from "../../lib/server/runs/process-monthly-run";
import { startMonthlyRun } from "../../lib/server/runs/start-monthly-run";
import { timed, type TScenario } from "../harness";
import { prepareMonthlyRun } from "./monthly-run-setup";

// The kiosk scenario starts BDMI the same way.
export { startBdmiProcess } from "./monthly-run-setup";

const PERIOD = "2026-10";
const FLOOR_TABLE = "bench_run_floor";

export const monthlyRunScenario: TScenario = {
  name: "monthly-run",
  defaultN: 1_000_000,
  summary: "start + work the monthly run through the BDMI service over HTTP vs one INSERT … SELECT of the status rows",
  async run(ctx) {
    if (ctx.external) throw new Error("monthly-run needs a fresh database: run it without DATABASE_URL");
    const { actor, bdmi, endpoint, ids } = await prepareMonthlyRun(ctx, [PERIOD]);
    try {
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
