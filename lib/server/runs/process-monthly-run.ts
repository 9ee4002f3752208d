import "server-only";
import type pg from "pg";
import { pool } from "../../db/client";
import { pgTx } from "../../db/pg-tx";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { recordAuditBulk } from "../audit/record-audit-bulk";
import type { TBdmiClient } from "../bdmi/bdmi-client";
import { log } from "../log";
import { scopePatterns } from "../regions/scope";
import { assessBatch, type TBatchBounds, type TRunForBatch } from "./assess-batch";
import { laterCompletedPeriod } from "./start-monthly-run";
import { ensurePeriodPartitions } from "../partitions/ensure-period-partitions";

export type TProcessOptions = {
  workerId: string;
  bdmi: TBdmiClient;
  batchSize: number;
  concurrency: number;
  leaseSeconds: number;
  /** After an outage, how long before the run is tried again. */
  retryAfterSeconds: number;
};

export type TProcessResult = "completed" | "paused" | "refused" | "busy" | "not-found" | "lost-lease";

type TRunRow = {
  id: string;
  period: string;
  region_codes: string[];
  state: "scheduled" | "running" | "paused" | "completed" | "refused";
  planned: boolean;
  cohort_min_age: number;
  check_due_on: string;
  requested_by: string | null;
  requested_role: string;
};

function runActor(run: TRunRow): TActor {
  // The worker acts on behalf of whoever started the run; the role says it was the worker.
  return { userId: run.requested_by, role: "system", regions: run.region_codes, requestId: `run:${run.id}`, ip: null };
}

function audit(client: pg.PoolClient, actor: TActor, runId: string, action: string, summary: Record<string, unknown>) {
  return recordAuditBulk(client, actor, action, "monthly_run", [{ targetId: runId, regionCode: null, summary }]);
}

/** Splits the run's members into batches by (region, id) keys; done once, under the run's row lock. */
async function plan(run: TRunRow, actor: TActor, batchSize: number): Promise<void> {
  await pgTx(async (client) => {
    const locked = await client.query<{ planned: boolean }>(`select planned from monthly_runs where id = $1 for update`, [run.id]);
    if (locked.rows[0]?.planned) return;
    const { rows } = await client.query<{ region_code: string; id: string; total: string }>(
      `select region_code, id, total from (
         select p.region_code, p.id, row_number() over w as rn, count(*) over () as total
           from pensioners p
          where p.region_code like any($2) and p.payment_status <> 'terminated'
            and not exists (select 1 from survival_statuses y where y.pensioner_id = p.id and y.period = $1)
         window w as (order by p.region_code, p.id)
       ) t where (rn - 1) % $3 = 0 order by region_code, id`,
      [run.period, scopePatterns(run.region_codes), batchSize],
    );
    const total = Number(rows[0]?.total ?? 0);
    if (rows.length) {
      await client.query(
        `insert into run_batches (run_id, batch_no, lo_region, lo_id, hi_region, hi_id)
         select $1, t.n, t.lo_region, t.lo_id, t.hi_region, t.hi_id
           from unnest($2::int[], $3::text[], $4::uuid[], $5::text[], $6::uuid[]) as t(n, lo_region, lo_id, hi_region, hi_id)`,
        [
          run.id,
          rows.map((_, i) => i + 1),
          rows.map((r) => r.region_code),
          rows.map((r) => r.id),
          rows.map((_, i) => rows[i + 1]?.region_code ?? null),
          rows.map((_, i) => rows[i + 1]?.id ?? null),
        ],
      );
    }
    await client.query(
      `update monthly_runs set planned = true, total = $2, batches_total = $3, state = 'running', started_at = coalesce(started_at, now()), updated_at = now() where id = $1`,
      [run.id, total, rows.length],
    );
    await audit(client, actor, run.id, "run.started", { period: run.period, regionCodes: run.region_codes, total, batches: rows.length });
  });
}

/**
 * Works a monthly run to its end, or until BDMI fails (the run pauses and is retried later) or
 * another worker holds it. Safe to call any number of times, from any number of workers, before
 * or after a crash: a lease keeps two workers from working one run at once, and each batch is
 * claimed in the transaction that writes it, so every pensioner is assessed exactly once.
 */
export async function processMonthlyRun(runId: string, o: TProcessOptions): Promise<TProcessResult> {
  const claimed = await pool().query<TRunRow>(
    `update monthly_runs set lease_owner = $2, lease_until = now() + make_interval(secs => $3)
      where id = $1 and state not in ('completed', 'refused') and scheduled_for <= now()
        and (lease_until is null or lease_until < now() or lease_owner = $2)
      returning id, period, region_codes, state, planned, cohort_min_age, to_char(check_due_on, 'YYYY-MM-DD') as check_due_on, requested_by, requested_role`,
    [runId, o.workerId, o.leaseSeconds],
  );
  const run = claimed.rows[0];
  if (!run) {
    const exists = await pool().query(`select 1 from monthly_runs where id = $1`, [runId]);
    return exists.rowCount ? "busy" : "not-found";
  }
  const actor = runActor(run);
  if (!run.planned) {
    // Months run in order: a run scheduled for later whose month a later one overtook meanwhile is refused, not worked.
    const later = await laterCompletedPeriod(run.period, run.region_codes);
    if (later) {
      const reason = `${later} was completed for these regions before this run's time came`;
      await pgTx(async (c) => {
        const r = await c.query(
          `update monthly_runs set state = 'refused', paused_reason = $2, finished_at = now(), lease_owner = null, lease_until = null, updated_at = now()
            where id = $1 and not planned`,
          [run.id, reason],
        );
        if (r.rowCount) await audit(c, actor, run.id, "run.refused", { period: run.period, regionCodes: run.region_codes, laterCompleted: later });
      });
      log.warn("monthly run refused: a later month is completed", { runId: run.id, period: run.period, later });
      return "refused";
    }
    // A run of a month the worker has not made ahead (a late or back-dated run) gets its partitions first.
    await ensurePeriodPartitions([run.period]);
    await plan(run, actor, o.batchSize);
  }
  if (run.state === "paused") {
    await pgTx(async (c) => {
      await c.query(`update monthly_runs set state = 'running', paused_reason = null, updated_at = now() where id = $1`, [run.id]);
      await audit(c, actor, run.id, "run.resumed", { period: run.period });
    });
  }

  const pending = (
    await pool().query<TBatchBounds>(
      `select batch_no as "batchNo", lo_region as "loRegion", lo_id as "loId", hi_region as "hiRegion", hi_id as "hiId"
         from run_batches where run_id = $1 and not done order by batch_no`,
      [run.id],
    )
  ).rows;
  const forBatch: TRunForBatch = { id: run.id, period: run.period, regionCodes: run.region_codes, cohortMinAge: run.cohort_min_age, checkDueOn: run.check_due_on };

  let outage: AppError | null = null;
  let lostLease = false;
  let failure: unknown = null;
  const next = () => (outage || lostLease || failure ? undefined : pending.shift());
  const lane = async () => {
    for (let b = next(); b; b = next()) {
      const renewed = await pool().query(`update monthly_runs set lease_until = now() + make_interval(secs => $3) where id = $1 and lease_owner = $2`, [
        run.id,
        o.workerId,
        o.leaseSeconds,
      ]);
      if (renewed.rowCount === 0) {
        lostLease = true;
        return;
      }
      try {
        await assessBatch(actor, forBatch, b, o.bdmi);
      } catch (e) {
        if (e instanceof AppError && e.code === "BDMI_UNAVAILABLE") outage = e;
        else failure = e;
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, lane));

  if (failure) {
    // An unexpected error (a bug, the database gone): release the run so the sweeper retries it.
    await pool().query(`update monthly_runs set lease_until = now() + make_interval(secs => $2) where id = $1 and lease_owner = $3`, [run.id, o.retryAfterSeconds, o.workerId]);
    throw failure;
  }
  if (lostLease) return "lost-lease";
  if (outage) {
    const reason = (outage as AppError).message;
    await pgTx(async (c) => {
      await c.query(
        `update monthly_runs set state = 'paused', paused_reason = $2, pause_count = pause_count + 1,
                lease_owner = null, lease_until = now() + make_interval(secs => $3), updated_at = now()
          where id = $1`,
        [run.id, reason.slice(0, 500), o.retryAfterSeconds],
      );
      await audit(c, actor, run.id, "run.paused", { period: run.period, reason: reason.slice(0, 200) });
    });
    log.warn("monthly run paused: BDMI unavailable", { runId: run.id, reason });
    return "paused";
  }

  const f = await pgTx(async (c) => {
    const finished = await c.query<{ done: number; errors: number; outcome: unknown; fee_total: string; checks_scheduled: number; cases_opened: number }>(
    `update monthly_runs set state = 'completed', finished_at = now(), lease_owner = null, lease_until = null, updated_at = now()
      where id = $1 and state not in ('completed', 'refused')
        and not exists (select 1 from run_batches where run_id = $1 and not done)
      returning done, errors, outcome, fee_total::text, checks_scheduled, cases_opened`,
    [run.id],
    );
    const f = finished.rows[0];
    if (f) await audit(c, actor, run.id, "run.completed", { period: run.period, assessed: f.done, errors: f.errors, outcome: f.outcome, fee: f.fee_total, checks: f.checks_scheduled, cases: f.cases_opened });
    return f;
  });
  if (f) {
    log.info("monthly run completed", { runId: run.id, assessed: f.done, errors: f.errors });
  }
  return "completed";
}

/** Runs that should be making progress but that no live worker holds: due, unfinished, lease expired. */
export async function orphanedRuns(): Promise<string[]> {
  const { rows } = await pool().query<{ id: string }>(
    `select id from monthly_runs where state not in ('completed', 'refused') and scheduled_for <= now() and (lease_until is null or lease_until < now()) order by created_at limit 50`,
  );
  return rows.map((r) => r.id);
}
