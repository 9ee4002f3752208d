import { nationalIdProblem } from "../../domain/national-id";
import type { TAssessmentRequest, TAssessmentResponse, TAssessmentResult, TFeeCharge } from "../contract";
import { assess, MODEL_V1, stateOf, type TEvidence } from "../survival-model";
import type { TBdmiContext } from "./context";
import { charge, currentSchedule } from "./fees";
import { ProblemError } from "./problem";
import { subjectHexOf } from "./subject-crypto";
import { enrolValid } from "./subjects";

const ENDPOINT = "assessments";

type TCallRow = { id: string; request_sha256: string; count: number; schedule_version: string; fee_total: string; shares: TFeeCharge["shares"] };
type TEvidenceRow = { id: string; subject: string; source: string; item: string; result: 0 | 1 | 9; at: string };

function feeOf(row: TCallRow): TFeeCharge {
  const per = row.count > 0 ? (BigInt(row.fee_total) / BigInt(row.count)).toString() : "0";
  return { scheduleVersion: row.schedule_version, count: row.count, perAssessment: per, total: row.fee_total, shares: row.shares };
}

function replayOf(row: TCallRow, bodySha256: string): TCallRow {
  if (row.request_sha256 !== bodySha256) {
    throw new ProblemError(409, "idempotency-conflict", "Idempotency key reused", "this idempotency key was used before with a different request body");
  }
  return row;
}

/**
 * Assesses a batch for one period and charges it once per idempotency key. Every lookup is one
 * set-based query for the whole batch (they run side by side), so a batch of 5,000 costs a few
 * round trips, not 5,000.
 */
export async function assessBatch(ctx: TBdmiContext, agency: string, bodySha256: string, req: TAssessmentRequest): Promise<TAssessmentResponse> {
  // Subjects as hex, the form they take on the wire both ways (bytea parameters and encode(…, 'hex')):
  // no Buffer per subject, no bytea parsing of the rows.
  const subjectIndex: number[] = [];
  const subjectsHex: string[] = [];
  const indexOfHex = new Map<string, number>();
  const problems: (string | null)[] = [];
  for (const it of req.items) {
    const problem = nationalIdProblem(it.nationalId);
    problems.push(problem);
    if (problem) {
      subjectIndex.push(-1);
      continue;
    }
    const hex = subjectHexOf(ctx.subjectKey, it.nationalId);
    let k = indexOfHex.get(hex);
    if (k === undefined) {
      k = subjectsHex.length;
      indexOfHex.set(hex, k);
      subjectsHex.push(hex);
    }
    subjectIndex.push(k);
  }

  // One query for the whole batch's evidence. `subject = any(…)` keeps the plan on the
  // (period, subject) index whatever the statistics say (a join against unnest() was planned as a
  // sort and merge join over the whole period: 0.8 s instead of 30 ms on a million rows); from
  // PostgreSQL 17 it is one ordered pass over that index, skipping between the batch's subjects.
  // Timestamps come back as ISO text, formatted by PostgreSQL.
  const [prior, evidence, schedule] = await Promise.all([
    ctx.pool.query<TCallRow>(
      `select id::text, request_sha256, count, schedule_version, fee_total::text, shares
         from bdmi.calls where agency = $1 and endpoint = $2 and idempotency_key = $3`,
      [agency, ENDPOINT, req.idempotencyKey],
    ),
    ctx.pool.query<TEvidenceRow>(
      `select id::text, encode(subject, 'hex') as subject, source, item, result,
              to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at
         from bdmi.evidence where period = $1 and subject = any($2::bytea[])`,
      [req.period, subjectsHex.map((h) => `\\x${h}`)],
    ),
    currentSchedule(ctx.pool),
  ]);
  let call = prior.rows[0] ? replayOf(prior.rows[0], bodySha256) : null;

  const bySubject: ({ refs: string[]; items: TEvidence[] } | undefined)[] = new Array(subjectsHex.length);
  for (const r of evidence.rows) {
    const e = (bySubject[indexOfHex.get(r.subject)!] ??= { refs: [], items: [] });
    e.refs.push(r.id);
    e.items.push({ source: r.source, item: r.item, result: r.result, at: r.at });
  }

  // Evidence is stored only for enrolled subjects, so only those without any this period can be
  // new. They are enrolled now, so that next month's feeds keep their evidence.
  const silent: number[] = [];
  for (let k = 0; k < subjectsHex.length; k++) if (!bySubject[k]) silent.push(k);
  if (silent.length) {
    const idOf = new Array<string>(subjectsHex.length);
    req.items.forEach((it, i) => {
      if (subjectIndex[i]! >= 0) idOf[subjectIndex[i]!] = it.nationalId;
    });
    await enrolValid(
      ctx,
      agency,
      silent.map((k) => idOf[k]!),
      silent.map((k) => Buffer.from(subjectsHex[k]!, "hex")),
    );
  }

  const results: TAssessmentResult[] = [];
  const errors: { ref: string; error: string }[] = [];
  req.items.forEach((it, i) => {
    const problem = problems[i];
    if (problem) {
      errors.push({ ref: it.ref, error: `nationalId: not a valid GB 11643 number (${problem})` });
      return;
    }
    const e = bySubject[subjectIndex[i]!];
    try {
      const r = assess(it.previous, req.period, e?.items ?? []);
      results.push({
        ref: it.ref,
        state: stateOf(r),
        modelVersion: r.modelVersion,
        evidenceRefs: e?.refs ?? [],
        ignoredUnknown: r.ignoredUnknown,
        ignoredSourceErrors: r.ignoredSourceErrors,
      });
    } catch (err) {
      errors.push({ ref: it.ref, error: err instanceof Error ? err.message : String(err) });
    }
  });

  let replayed = call !== null;
  if (!call) {
    const fee = charge(schedule, results.length);
    const ins = await ctx.pool.query<TCallRow>(
      `insert into bdmi.calls (agency, endpoint, idempotency_key, request_sha256, period, count, schedule_version, fee_total, shares)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       on conflict (agency, endpoint, idempotency_key) do nothing
       returning id::text, request_sha256, count, schedule_version, fee_total::text, shares`,
      [agency, ENDPOINT, req.idempotencyKey, bodySha256, req.period, fee.count, fee.scheduleVersion, fee.total, JSON.stringify(fee.shares)],
    );
    if (ins.rows[0]) {
      call = ins.rows[0];
    } else {
      // A concurrent retry with the same key won the insert: this one is its replay.
      const again = await ctx.pool.query<TCallRow>(
        `select id::text, request_sha256, count, schedule_version, fee_total::text, shares
           from bdmi.calls where agency = $1 and endpoint = $2 and idempotency_key = $3`,
        [agency, ENDPOINT, req.idempotencyKey],
      );
      call = replayOf(again.rows[0]!, bodySha256);
      replayed = true;
    }
  }

  return { callId: call.id, period: req.period, modelVersion: MODEL_V1.version, replayed, fee: feeOf(call), results, errors };
}
