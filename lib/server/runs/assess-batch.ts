import "server-only";
import { createHash } from "node:crypto";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { pool } from "../../db/client";
import { pgTx } from "../../db/pg-tx";
import type { TAssessmentResponse } from "../../bdmi/contract";
import type { TStatus, TSurvivalState } from "../../bdmi/survival-model";
import type { TActor } from "../actor";
import { recordAuditBulk, type TBulkAuditRow } from "../audit/record-audit-bulk";
import type { TBdmiClient } from "../bdmi/bdmi-client";
import { queueFeeSettlement } from "../ledger/queue-fee-settlement";
import { decryptPii } from "../pensioners/pii-crypto";
import { scopePatterns } from "../regions/scope";

export type TRunForBatch = {
  id: string;
  period: string;
  regionCodes: string[];
  cohortMinAge: number;
  checkDueOn: string;
};

export type TBatchBounds = { batchNo: number; loRegion: string; loId: string; hiRegion: string | null; hiId: string | null };

export type TBatchOutcome = {
  assessed: number;
  errors: number;
  status: Record<string, number>;
  transitions: Record<string, number>;
  checks: number;
  cases: number;
  fee: bigint;
  /** False when another worker finished this batch first: nothing was written. */
  committed: boolean;
};

type TRow = {
  id: string;
  region_code: string;
  id_cipher: Buffer;
  id_key_version: number;
  /** In the run's age cohort (aged cohortMinAge or more at the start of the period). */
  cohort: boolean | null;
  p_period: string | null;
  p_status: TStatus | null;
  p_basis: TSurvivalState["basis"] | null;
  p_s: number | null;
  p_t: number | null;
  p_death_at: Date | null;
  p_affirmed_at: Date | null;
};

// A pensioner is in a run while on the roll and not terminated (a suspended one is assessed too:
// new evidence of life is what reinstates them), and until they have a status for the period,
// whichever run gave it: overlapping runs never assess anyone twice. One probe of the primary key
// per pensioner answers both questions: the newest status up to this period is either this
// period's (already assessed: left out) or the previous one.
// The upper bound is a condition of its own, never `$4 is null or …`: inside an OR it cannot bound
// the index scan, and every batch read the index from its first key to the end of the roll (a
// batch cost grew with the roll: 140 ms at 200,000 pensioners, 420 ms at a million).
const members = (bounded: boolean) => `
  select p.id, p.region_code, p.id_cipher, p.id_key_version, p.birth_date <= $7::date as cohort,
         s.period as p_period, s.status as p_status, s.basis as p_basis, s.s as p_s, s.t as p_t,
         s.death_at as p_death_at, s.affirmed_at as p_affirmed_at
    from pensioners p
    left join lateral (
      select period, status, basis, s, t, death_at, affirmed_at from survival_statuses x
       where x.pensioner_id = p.id and x.period <= $1 order by x.period desc limit 1
    ) s on true
   where (p.region_code, p.id) >= ($2, $3::uuid)
     ${bounded ? "and (p.region_code, p.id) < ($4, $5::uuid)" : "and $4::text is null and $5::uuid is null"}
     and p.region_code like any($6)
     and p.payment_status <> 'terminated'
     and (s.period is null or s.period < $1)
   order by p.region_code, p.id`;
const MEMBERS_BOUNDED = members(true);
const MEMBERS_TO_END = members(false);

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * The latest birthday in the run's age cohort: aged `minAge` or more on the first day of `period`
 * means born on or before that day `minAge` years earlier (ageAtPeriodStart in lib/domain/period.ts
 * counts the same way). Null when the run has no cohort.
 */
export function cohortBornBy(period: string, minAge: number): string | null {
  if (minAge <= 0) return null;
  return `${String(Number(period.slice(0, 4)) - minAge).padStart(4, "0")}-${period.slice(5, 7)}-01`;
}

type TResultRow = TAssessmentResponse["results"][number];

const COPY_SPECIAL = /[\\\t\n\r]/;
/** COPY text format: backslash, tab, newline and carriage return are escaped. */
function copyText(s: string): string {
  if (!COPY_SPECIAL.test(s)) return s;
  return s.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
}
const DIGITS = /^\d{1,19}$/;

const STATUS_COLUMNS = "pensioner_id, period, region_code, status, basis, s, t, death_at, affirmed_at, previous_status, model_version, evidence_refs, run_id";

/**
 * Writes the batch's status rows with one COPY: no parameters to encode, no speculative insertion.
 * Throws (23505) if a pensioner already has a status for the period, which only an overlapping run
 * that committed meanwhile can cause; the caller then writes the batch again with insertStatuses.
 */
async function copyStatuses(client: pg.PoolClient, run: TRunForBatch, results: TResultRow[], byId: Map<string, TRow>): Promise<void> {
  const lines: string[] = [];
  for (const x of results) {
    const r = byId.get(x.ref)!;
    for (const ref of x.evidenceRefs) if (!DIGITS.test(ref)) throw new Error(`BDMI returned an evidence ref that is not an id: ${JSON.stringify(ref).slice(0, 40)}`);
    lines.push(
      `${x.ref}\t${run.period}\t${r.region_code}\t${x.state.status}\t${x.state.basis}\t${x.state.S}\t${x.state.T}\t${x.state.deathAt ?? "\\N"}\t` +
        `${x.state.affirmedAt ?? "\\N"}\t${r.p_status ?? "\\N"}\t${copyText(x.modelVersion)}\t{${x.evidenceRefs.join(",")}}\t${run.id}\n`,
    );
  }
  const copy = client.query(copyFrom(`copy survival_statuses (${STATUS_COLUMNS}) from stdin`));
  await new Promise<void>((resolve, reject) => {
    copy.on("finish", resolve);
    copy.on("error", reject);
    copy.end(lines.join(""));
  });
}

/** The same rows through INSERT … ON CONFLICT DO NOTHING: returns the pensioners actually written. */
async function insertStatuses(client: pg.PoolClient, run: TRunForBatch, results: TResultRow[], byId: Map<string, TRow>): Promise<Set<string>> {
  const ins = await client.query<{ pensioner_id: string }>(
    `insert into survival_statuses (${STATUS_COLUMNS})
     select t.pid, $1, t.region, t.status::"SurvivalStatusValue", t.basis, t.s, t.t, t.death_at, t.affirmed_at,
            t.prev::"SurvivalStatusValue", t.model, t.refs::bigint[], $2
       from unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[], $9::timestamptz[],
                   $10::timestamptz[], $11::text[], $12::text[], $13::text[])
         as t(pid, region, status, basis, s, t, death_at, affirmed_at, prev, model, refs)
     on conflict (pensioner_id, period, region_code) do nothing
     returning pensioner_id`,
    [
      run.period,
      run.id,
      results.map((x) => x.ref),
      results.map((x) => byId.get(x.ref)!.region_code),
      results.map((x) => x.state.status),
      results.map((x) => x.state.basis),
      results.map((x) => x.state.S),
      results.map((x) => x.state.T),
      results.map((x) => x.state.deathAt),
      results.map((x) => x.state.affirmedAt),
      results.map((x) => byId.get(x.ref)!.p_status),
      results.map((x) => x.modelVersion),
      results.map((x) => `{${x.evidenceRefs.join(",")}}`),
    ],
  );
  return new Set(ins.rows.map((r) => r.pensioner_id));
}

function previousOf(r: TRow): TSurvivalState | null {
  if (!r.p_period || !r.p_status || !r.p_basis) return null;
  return { period: r.p_period, status: r.p_status, basis: r.p_basis, S: r.p_s ?? 0, T: r.p_t ?? 0, deathAt: iso(r.p_death_at), affirmedAt: iso(r.p_affirmed_at) };
}

const bump = (m: Record<string, number>, k: string, n = 1) => {
  m[k] = (m[k] ?? 0) + n;
};

/**
 * Assesses one batch of a run through BDMI and writes everything it implies in one transaction:
 * status rows, transition audit events, kiosk checks, cases, fee records, and the batch and run
 * counters. The BDMI call happens before the transaction and is idempotent on a key derived from
 * the batch's members, so a batch repeated after a crash is neither charged nor written twice.
 */
export async function assessBatch(actor: TActor, run: TRunForBatch, b: TBatchBounds, bdmi: TBdmiClient): Promise<TBatchOutcome> {
  const { rows } = await pool().query<TRow>(b.hiRegion === null ? MEMBERS_TO_END : MEMBERS_BOUNDED, [
    run.period,
    b.loRegion,
    b.loId,
    b.hiRegion,
    b.hiId,
    scopePatterns(run.regionCodes),
    cohortBornBy(run.period, run.cohortMinAge),
  ]);

  let response: TAssessmentResponse | null = null;
  if (rows.length > 0) {
    const key = createHash("sha256").update(`${run.id}\n${rows.map((r) => r.id).join("\n")}`).digest("base64url");
    response = await bdmi.assess({
      period: run.period,
      idempotencyKey: `run:${run.id}:${b.batchNo}:${key.slice(0, 22)}`,
      items: rows.map((r) => ({ ref: r.id, nationalId: decryptPii(r.id_cipher, r.id_key_version), previous: previousOf(r) })),
    });
  }

  const byId = new Map(rows.map((r) => [r.id, r]));
  const results = (response?.results ?? []).filter((x) => byId.has(x.ref));
  try {
    return await writeBatch(actor, run, b, rows, byId, results, response, "copy");
  } catch (e) {
    // Someone else's status for one of these pensioners committed after we read the members (an
    // overlapping run): the COPY refused the whole batch, and rows are written one by one instead.
    if ((e as { code?: string }).code !== "23505") throw e;
    return writeBatch(actor, run, b, rows, byId, results, response, "insert");
  }
}

/** The batch's one transaction; "copy" writes every status or fails, "insert" skips the ones already there. */
async function writeBatch(
  actor: TActor,
  run: TRunForBatch,
  b: TBatchBounds,
  rows: TRow[],
  byId: Map<string, TRow>,
  results: TResultRow[],
  response: TAssessmentResponse | null,
  mode: "copy" | "insert",
): Promise<TBatchOutcome> {
  const out: TBatchOutcome = { assessed: 0, errors: 0, status: {}, transitions: {}, checks: 0, cases: 0, fee: 0n, committed: false };
  return pgTx(async (client) => {
    // Claim the batch first: if another worker already finished it, write nothing at all.
    const claim = await client.query(`update run_batches set done = true, finished_at = now() where run_id = $1 and batch_no = $2 and not done`, [run.id, b.batchNo]);
    if (claim.rowCount === 0) return out;

    let written: Set<string> | null = null;
    if (results.length && mode === "copy") await copyStatuses(client, run, results, byId);
    else if (results.length) written = await insertStatuses(client, run, results, byId);


    const transitions: TBulkAuditRow[] = [];
    const checks: { pid: string; region: string; reason: "suspected" | "cohort" }[] = [];
    const cases: { pid: string; region: string; reason: "deceased" | "sentenced"; detail: object }[] = [];
    for (const x of results) {
      if (written && !written.has(x.ref)) continue;
      const r = byId.get(x.ref)!;
      const from = r.p_status;
      const to = x.state.status;
      out.assessed++;
      bump(out.status, to);
      // A first assessment that finds the pensioner alive changes nothing anyone acts on.
      const changed = from === null ? to !== "alive" : from !== to;
      if (changed) {
        bump(out.transitions, `${from ?? "new"}>${to}`);
        transitions.push({
          targetId: x.ref,
          regionCode: r.region_code,
          summary: { period: run.period, runId: run.id, from, to, basis: x.state.basis, modelVersion: x.modelVersion, evidence: x.evidenceRefs.length },
        });
        if (to === "deceased" || to === "sentenced") {
          cases.push({ pid: x.ref, region: r.region_code, reason: to, detail: { basis: x.state.basis, deathAt: x.state.deathAt, evidenceRefs: x.evidenceRefs } });
        }
      }
      if (to === "suspected" && changed) checks.push({ pid: x.ref, region: r.region_code, reason: "suspected" });
      else if ((to === "alive" || to === "suspected") && r.cohort) {
        checks.push({ pid: x.ref, region: r.region_code, reason: "cohort" });
      }
    }
    await recordAuditBulk(client, actor, "survival.transition", "pensioner", transitions);

    if (checks.length) {
      const c = await client.query(
        `insert into kiosk_checks (id, pensioner_id, region_code, period, reason, due_on, run_id)
         select gen_random_uuid(), t.pid, t.region, $1, t.reason::"CheckReason", $2::date, $3
           from unnest($4::uuid[], $5::text[], $6::text[]) as t(pid, region, reason)
         on conflict (pensioner_id, period, region_code) do nothing`,
        [run.period, run.checkDueOn, run.id, checks.map((c) => c.pid), checks.map((c) => c.region), checks.map((c) => c.reason)],
      );
      out.checks = c.rowCount ?? 0;
    }
    if (cases.length) {
      const c = await client.query(
        `insert into cases (id, pensioner_id, region_code, reason, period, run_id, detail)
         select gen_random_uuid(), t.pid, t.region, t.reason::"CaseReason", $1, $2, t.detail
           from unnest($3::uuid[], $4::text[], $5::text[], $6::jsonb[]) as t(pid, region, reason, detail)
         on conflict (pensioner_id, reason, period, region_code) do nothing
         returning id, pensioner_id, region_code, reason`,
        [run.period, run.id, cases.map((c) => c.pid), cases.map((c) => c.region), cases.map((c) => c.reason), cases.map((c) => JSON.stringify(c.detail))],
      );
      out.cases = c.rowCount ?? 0;
      await recordAuditBulk(
        client,
        actor,
        "case.opened",
        "case",
        c.rows.map((row: { id: string; pensioner_id: string; region_code: string; reason: string }) => ({
          targetId: row.id,
          regionCode: row.region_code,
          summary: { pensionerId: row.pensioner_id, reason: row.reason, period: run.period, runId: run.id },
        })),
      );
    }

    // Fees: BDMI charged the batch once; the record splits it by county so fees can be reported
    // (and later settled) per region. Shares divide exactly: they are per-assessment amounts × count.
    if (response && response.fee.count > 0) {
      const per = BigInt(response.fee.perAssessment);
      const sharePer = (payee: string) => BigInt(response!.fee.shares.find((s) => s.payee === payee)?.amount ?? "0") / BigInt(response!.fee.count);
      const perRegion = new Map<string, number>();
      for (const x of response.results) {
        const reg = byId.get(x.ref)?.region_code;
        if (reg) perRegion.set(reg, (perRegion.get(reg) ?? 0) + 1);
      }
      const regions = [...perRegion.keys()];
      const counts = regions.map((r) => perRegion.get(r)!);
      await client.query(
        `insert into fee_records (id, kind, run_id, batch_no, period, region_code, count, amount, platform_share, provider_share, schedule_version, bdmi_call_id)
         select gen_random_uuid(), 'assessment', $1, $2, $3, t.region, t.n, t.amount, t.platform, t.provider, $4, $5
           from unnest($6::text[], $7::int[], $8::bigint[], $9::bigint[], $10::bigint[]) as t(region, n, amount, platform, provider)
         on conflict (run_id, batch_no, region_code, period) do nothing`,
        [
          run.id,
          b.batchNo,
          run.period,
          response.fee.scheduleVersion,
          response.callId,
          regions,
          counts,
          counts.map((n) => (per * BigInt(n)).toString()),
          counts.map((n) => (sharePer("platform") * BigInt(n)).toString()),
          counts.map((n) => (sharePer("data-providers") * BigInt(n)).toString()),
        ],
      );
      out.fee = per * BigInt(counts.reduce((a, n) => a + n, 0));
      // The batch's settlement intent commits with its fees (the outbox); the worker settles it.
      await queueFeeSettlement(client, { key: `fee-batch:${run.id}:${b.batchNo}`, kind: "fee-batch", feeFilter: { runId: run.id, batchNo: b.batchNo } });
    }

    out.errors = (response?.errors.length ?? 0) + (rows.length - (response?.results.length ?? 0) - (response?.errors.length ?? 0));
    await client.query(`update run_batches set assessed = $3, errors = $4, bdmi_call_id = $5 where run_id = $1 and batch_no = $2`, [
      run.id,
      b.batchNo,
      out.assessed,
      out.errors,
      response?.callId ?? null,
    ]);
    await client.query(
      `update monthly_runs
          set done = done + $2, errors = errors + $3, batches_done = batches_done + 1,
              checks_scheduled = checks_scheduled + $4, cases_opened = cases_opened + $5, fee_total = fee_total + $6,
              outcome = jsonb_build_object(
                'status', merge_counts(outcome->'status', $7::jsonb),
                'transitions', merge_counts(outcome->'transitions', $8::jsonb)),
              updated_at = now()
        where id = $1`,
      [run.id, out.assessed, out.errors, out.checks, out.cases, out.fee.toString(), JSON.stringify(out.status), JSON.stringify(out.transitions)],
    );
    await recordAuditBulk(client, actor, "run.batch", "monthly_run", [
      {
        targetId: run.id,
        regionCode: null,
        summary: { batchNo: b.batchNo, assessed: out.assessed, errors: out.errors, transitions: transitions.length, checks: out.checks, cases: out.cases, fee: out.fee.toString(), bdmiCallId: response?.callId ?? null, replayed: response?.replayed ?? false },
      },
    ]);
    out.committed = true;
    return out;
  });
}
