import "server-only";
import { can, type TPermission } from "../../auth/permissions";
import { caseReference, checkReference } from "../../domain/check-reference";
import { pool } from "../../db/client";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { scopePatterns } from "../regions/scope";
import { isUuid } from "../schemas";
import { isoFromJson } from "../json-timestamp";

/** Rows a section lists, newest first; `total` says how many there are. */
export const ACTIVITY_LIMIT = 50;

export type TActivityCase = {
  id: string;
  /** What its suspension or termination notice prints (C-XXXXXXXX). */
  reference: string;
  reason: "deceased" | "sentenced" | "check_review" | "check_failed" | "overdue";
  status: "open" | "proposed" | "closed";
  period: string;
  openedAt: string;
  outcome: string | null;
  proposedOutcome: string | null;
  closedAt: string | null;
};
export type TActivityCheck = {
  id: string;
  /** What its notice prints (K-YYYY-MM-XXXXXXXX). */
  reference: string;
  period: string;
  reason: "suspected" | "cohort" | "officer";
  status: "scheduled" | "in_progress" | "passed" | "failed" | "review" | "expired";
  dueOn: string;
  failures: number;
  decidedAt: string | null;
};
export type TActivityAttempt = {
  id: string;
  checkId: string;
  checkReference: string;
  issuedAt: string;
  submittedAt: string | null;
  expiresAt: string;
  /** null: started but never submitted (abandoned, or still running until expiresAt). */
  decision: "pass" | "fail" | "review" | null;
  reasons: string[];
  device: string;
  location: string;
};
export type TActivityNotice = {
  /** The audit event that records the print. */
  eventId: string;
  at: string;
  kind: "check" | "suspension" | "termination";
  /** "single": printed from the check's row or the case; "batch": the region's batch that covered the open check. */
  via: "single" | "batch";
  /** A batch that broke off part-way (notice.print_failed): this notice may not have been drawn. */
  failed: boolean;
  region: string;
  size: string;
  actorName: string | null;
  checkId: string | null;
  caseId: string | null;
  reference: string;
};
type TSection<T> = { items: T[]; total: number } | null;
export type TPensionerActivity = { cases: TSection<TActivityCase>; checks: TSection<TActivityCheck>; attempts: TSection<TActivityAttempt>; notices: TSection<TActivityNotice> };

const allowed = (actor: TActor, p: TPermission) => actor.role !== "system" && actor.role !== "anonymous" && actor.role !== "kiosk" && actor.role !== "api" && can(actor.role, p);

// Each section's rows, newest first, at most $3, with the section's total (count over all) and
// its position (n) so that the JSON keeps the order. $1 the pensioner, $2 the caller's scope.
const CASES_SQL = `select c.id::text as id, c.reason::text as reason, c.status::text as status, c.period, c.opened_at, c.outcome::text as outcome,
         c.proposed_outcome::text as proposed_outcome, c.closed_at, count(*) over () as total,
         row_number() over (order by c.opened_at desc, c.id) as n
    from cases c where c.pensioner_id = $1 and c.region_code like any($2)
   order by c.opened_at desc, c.id limit $3`;

const CHECKS_SQL = `select c.id::text as id, c.period, c.reason::text as reason, c.status::text as status, to_char(c.due_on, 'YYYY-MM-DD') as due_on, c.failures, c.decided_at,
         count(*) over () as total, row_number() over (order by c.period desc, c.created_at desc) as n
    from kiosk_checks c where c.pensioner_id = $1 and c.region_code like any($2)
   order by c.period desc, c.created_at desc limit $3`;

const ATTEMPTS_SQL = `select a.id::text as id, a.check_id::text as check_id, c.period, a.issued_at, a.submitted_at, a.expires_at, a.decision, a.reasons,
         d.name as device, d.location, count(*) over () as total, row_number() over (order by a.issued_at desc, a.id) as n
    from kiosk_attempts a
    join kiosk_checks c on c.id = a.check_id
    join kiosk_devices d on d.id = a.device_id
   where a.pensioner_id = $1 and a.region_code like any($2)
   order by a.issued_at desc, a.id limit $3`;

// Printed notices are audit events. A single check or case notice names its check or case; a
// region's batch names the region and month, and printed every check of them open at the time,
// so it covers a check of this pensioner in that region and month that was open then (opened
// before the print, decided after it). A batch of a wider region (a city's) is listed too: it
// printed this pensioner's notice, which is in the caller's regions.
const NOTICES_SQL = `with my_checks as (
      select id, period, region_code, created_at, decided_at from kiosk_checks where pensioner_id = $1 and region_code like any($2)
    ), my_cases as (
      select id from cases where pensioner_id = $1 and region_code like any($2)
    ), printed as (
      select e.id, e.at, e.actor_id, e.summary, e.request_id, 'single' as via, e.target_id as check_id, null::text as case_id
        from audit_events e join my_checks k on e.target_type = 'kiosk_check' and e.target_id = k.id::text
       where e.action = 'notice.print' and e.region_code like any($2)
      union all
      select e.id, e.at, e.actor_id, e.summary, e.request_id, 'single', null, e.target_id
        from audit_events e join my_cases k on e.target_type = 'case' and e.target_id = k.id::text
       where e.action = 'notice.print' and e.region_code like any($2)
      union all
      select e.id, e.at, e.actor_id, e.summary, e.request_id, 'batch', k.id::text, null
        from my_checks k
        join audit_events e on e.target_type = 'region' and e.target_id in (left(k.region_code, 2), left(k.region_code, 4), k.region_code)
       where e.action = 'notice.print' and e.summary->>'period' = k.period
         and e.at >= k.created_at and (k.decided_at is null or e.at < k.decided_at)
    )
    select p.id::text as event_id, p.at, p.via, p.check_id, p.case_id, p.summary, u.display_name as actor_name,
           k.period as check_period,
           exists (select 1 from audit_events f where f.action = 'notice.print_failed' and f.target_type = 'region'
                    and f.request_id = p.request_id and f.target_id = p.summary->>'region' and f.id > p.id) as failed,
           count(*) over () as total, row_number() over (order by p.at desc, p.id desc) as n
      from printed p
      left join users u on u.id = p.actor_id
      left join my_checks k on k.id::text = p.check_id
     order by p.at desc, p.id desc limit $3`;

/** A section as JSON (rows in order), or null when the caller may not see it ($4..$7 say which). */
const section = (sql: string, flag: string) => `case when ${flag}::boolean then (select coalesce(json_agg(sec order by sec.n), '[]'::json) from (${sql}) sec) end`;

const ACTIVITY_SQL = `select exists (select 1 from pensioners where id = $1 and region_code like any($2)) as found,
       ${section(CASES_SQL, "$4")} as cases, ${section(CHECKS_SQL, "$5")} as checks,
       ${section(ATTEMPTS_SQL, "$5")} as attempts, ${section(NOTICES_SQL, "$6")} as notices`;

const iso = isoFromJson;
type TJsonRow = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const toSection = <T>(rows: TJsonRow[] | null, item: (r: TJsonRow) => T): TSection<T> => (rows === null ? null : { total: rows[0] ? Number(rows[0].total) : 0, items: rows.map(item) });

/**
 * What happened to one pensioner of the caller's regions, for the pensioner page: the cases, the
 * kiosk checks, the kiosk attempts and the printed notices (from the audit trail: single notices,
 * and the region batches printed while a check was open). Each section only for a caller whose
 * permissions show it elsewhere (null otherwise); every query is limited to the caller's regions.
 * 404 alike for unknown ids and other regions' pensioners. Opening the page is audited by getPensioner.
 * One statement for the scope check and every section: a round trip costs the app more CPU than
 * these small reads cost PostgreSQL (bench/notes/load.md).
 */
export async function getPensionerActivity(actor: TActor, pensionerId: string, limit = ACTIVITY_LIMIT): Promise<TPensionerActivity> {
  if (!isUuid(pensionerId)) throw AppError.notFound("Pensioner");
  const { rows } = await pool().query(ACTIVITY_SQL, [
    pensionerId,
    scopePatterns(actor.regions),
    limit,
    allowed(actor, "cases.read"),
    allowed(actor, "checks.read"),
    allowed(actor, "notices.print"),
  ]);
  const r = rows[0]!;
  if (!r.found) throw AppError.notFound("Pensioner");
  return {
    cases: toSection(r.cases, (c) => ({ id: c.id, reference: caseReference(c.id), reason: c.reason, status: c.status, period: c.period, openedAt: iso(c.opened_at)!, outcome: c.outcome, proposedOutcome: c.proposed_outcome, closedAt: iso(c.closed_at) })),
    checks: toSection(r.checks, (c) => ({ id: c.id, reference: checkReference(c as { id: string; period: string }), period: c.period, reason: c.reason, status: c.status, dueOn: c.due_on, failures: c.failures, decidedAt: iso(c.decided_at) })),
    attempts: toSection(r.attempts, (a) => ({
      id: a.id,
      checkId: a.check_id,
      checkReference: checkReference({ id: a.check_id, period: a.period }),
      issuedAt: iso(a.issued_at)!,
      submittedAt: iso(a.submitted_at),
      expiresAt: iso(a.expires_at)!,
      decision: a.decision,
      reasons: a.reasons,
      device: a.device,
      location: a.location,
    })),
    notices: toSection(r.notices, (n) => ({
      eventId: n.event_id,
      at: iso(n.at)!,
      kind: n.summary.kind,
      via: n.via,
      failed: n.via === "batch" && n.failed,
      region: n.summary.region,
      size: n.summary.size,
      actorName: n.actor_name,
      checkId: n.check_id,
      caseId: n.case_id,
      reference: n.case_id ? caseReference(n.case_id) : checkReference({ id: n.check_id, period: n.check_period }),
    })),
  };
}
