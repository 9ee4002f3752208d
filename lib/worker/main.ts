import { randomUUID } from "node:crypto";
import os from "node:os";
import PgBoss from "pg-boss";
import { env } from "../env.js";
import { pool } from "../db/client";
import { bdmiClient } from "../server/bdmi/bdmi-client";
import { enrolSubjects, type TEnrolJob } from "../server/bdmi/enrol-subjects";
import { feedCaseEvidence, type TCaseEvidenceJob } from "../server/cases/feed-case-evidence";
import { runAuditSealing } from "../server/audit/run-audit-sealing";
import { BOSS_SCHEMA, QUEUES } from "../server/jobs/queues";
import { ensureLedgerAccounts } from "../server/ledger/ensure-ledger-accounts";
import { ledgerAdapter } from "../server/ledger/ledger";
import { runSettlementLoop } from "../server/ledger/run-settlement-loop";
import { runRollupLoop } from "../server/dashboard/run-rollup-loop";
import { ensurePeriodPartitions, upcomingPeriods } from "../server/partitions/ensure-period-partitions";
import { systemActor } from "../server/actor";
import { expireOverdueChecks } from "../server/checks/expire-overdue-checks";
import { log } from "../server/log";
import { fireDueRunSchedules } from "../server/runs/fire-due-run-schedules";
import { orphanedRuns, processMonthlyRun } from "../server/runs/process-monthly-run";
import { lowerLocalBackendPriority, lowerWorkerPriority } from "./priority";

// The worker: background jobs on pg-boss, on the same database as the app. Later issues add
// reminders, the ledger outbox and audit seals here.
const workerId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
const RETRY_AFTER_SECONDS = 10;
const RUN_SCHEDULE_POLL_MS = 20_000;

async function main() {
  const nice = lowerWorkerPriority();
  if (!env.DATABASE_URL) throw new Error("DATABASE_URL is not set: run the worker through `npm start`");
  // The runs' set-based SQL goes through pool(): its backends yield too when PostgreSQL is local.
  lowerLocalBackendPriority(pool(), env.DATABASE_URL, nice);
  const boss = new PgBoss({ connectionString: env.DATABASE_URL, schema: BOSS_SCHEMA });
  boss.on("error", (e) => log.error("pg-boss error", { error: String(e) }));
  await boss.start();
  for (const q of Object.values(QUEUES)) await boss.createQueue(q);

  // The large tables' month partitions: this month and the next two, made ahead (and checked hourly).
  const partitionsAhead = () =>
    ensurePeriodPartitions(upcomingPeriods())
      .then((made) => made.length && log.info("partitions created", { made }))
      .catch((e) => log.error("partition upkeep failed", { error: String(e) }));
  await partitionsAhead();

  await boss.schedule(QUEUES.housekeeping, "17 * * * *");
  await boss.work(QUEUES.housekeeping, async () => {
    await partitionsAhead();
    // Sessions and throttling records are operational data, not audit: the audit trail keeps sign-ins. Failures stay 30 days, for their owners to see on /account.
    const s = await pool().query(`delete from sessions where expires_at < now() - interval '30 days'`);
    const f = await pool().query(`delete from sign_in_failures where at < now() - interval '30 days'`);
    log.info("housekeeping", { sessionsPurged: s.rowCount, failuresPurged: f.rowCount });
  });

  const dispatch = (runId: string, startAfter?: number) =>
    boss.send(QUEUES.monthlyRun, { runId }, { startAfter, singletonKey: runId, singletonSeconds: Math.max(2, Math.floor(env.RUN_LEASE_SECONDS / 2)), retryLimit: 0 });

  await boss.work<{ runId: string }>(QUEUES.monthlyRun, { batchSize: 1 }, async ([job]) => {
    if (!job) return;
    const result = await processMonthlyRun(job.data.runId, {
      workerId,
      bdmi: bdmiClient(),
      batchSize: env.RUN_BATCH_SIZE,
      concurrency: env.RUN_CONCURRENCY,
      leaseSeconds: env.RUN_LEASE_SECONDS,
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    });
    log.info("monthly run job", { runId: job.data.runId, result });
    if (result === "paused") await dispatch(job.data.runId, RETRY_AFTER_SECONDS + 1);
  });

  await boss.work<TEnrolJob>(QUEUES.bdmiEnrol, { batchSize: 1 }, async ([job]) => {
    if (!job) return;
    const r = await enrolSubjects(job.data, bdmiClient());
    log.info("enrolled with BDMI", { ...r, importId: job.data.importId });
  });

  // A case's in-person check or manual intervention: fed to BDMI and reassessed; an outage fails the job and pg-boss retries it.
  await boss.work<TCaseEvidenceJob>(QUEUES.caseEvidence, { batchSize: 1 }, async ([job]) => {
    if (!job) return;
    const r = await feedCaseEvidence(job.data, bdmiClient());
    log.info("case evidence fed to BDMI", { caseEventId: job.data.caseEventId, ...r });
  });

  // A worker that was killed mid-run leaves its run leased to nobody alive; once the lease runs
  // out, whichever worker sweeps first dispatches it again and it resumes at its first open batch.
  const sweepMs = Math.min(15, Math.max(1, Math.floor(env.RUN_LEASE_SECONDS / 2))) * 1000;
  const sweep = setInterval(() => {
    orphanedRuns()
      .then((ids) => Promise.all(ids.map((id) => dispatch(id))))
      .catch((e) => log.error("run sweep failed", { error: String(e) }));
  }, sweepMs);

  // Recurring monthly runs (run_schedules), read on the worker's own clock: each due schedule starts
  // its month's run through startMonthlyRun, whose job the monthlyRun queue above then works.
  const fireSchedules = () =>
    fireDueRunSchedules()
      .then((f) => f.length && log.info("run schedules fired", { fired: f }))
      .catch((e) => log.error("run schedule sweep failed", { error: String(e) }));
  void fireSchedules();
  const scheduleSweep = setInterval(fireSchedules, RUN_SCHEDULE_POLL_MS);

  // Kiosk checks past their due date expire and open an overdue case (any worker may sweep; rows are claimed with skip locked).
  const expireChecks = () =>
    expireOverdueChecks(systemActor())
      .then((n) => n && log.info("kiosk checks expired", { n }))
      .catch((e) => log.error("kiosk check sweep failed", { error: String(e) }));
  void expireChecks();
  const checkSweep = setInterval(expireChecks, 10 * 60_000);

  // The fee settlement outbox (settlements table), worked by a loop of its own (settle-due-fees.ts).
  if (env.LEDGER_ADAPTER === "embedded") await ensureLedgerAccounts();
  const settlement = runSettlementLoop({
    workerId,
    adapter: ledgerAdapter(),
    batchSize: env.SETTLE_BATCH_SIZE,
    leaseSeconds: env.SETTLE_LEASE_SECONDS,
    maxBackoffSeconds: env.SETTLE_MAX_BACKOFF_SECONDS,
    pollMs: env.SETTLE_POLL_MS,
  });

  // Seal the audit trail into its Merkle log, publish signed checkpoints and anchor them (issue 5).
  const auditSealing = runAuditSealing();

  // The dashboard's rollups, rebuilt from what the source tables' triggers marked dirty (issue 6).
  const rollups = runRollupLoop({ intervalSeconds: env.ROLLUP_INTERVAL_SECONDS });

  log.info("worker started", { workerId, nice, queues: Object.values(QUEUES) });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(sweep);
    clearInterval(checkSweep);
    clearInterval(scheduleSweep);
    await auditSealing.stop();
    await rollups.stop();
    await settlement.stop();
    await boss.stop({ graceful: true, timeout: 10_000 });
    await pool().end();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e) => {
  log.error("worker failed to start", { error: String(e?.stack ?? e) });
  process.exit(1);
});
