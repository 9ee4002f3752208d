import "server-only";
import type pg from "pg";
import { can } from "../../auth/permissions";
import type { TCaseDetail, TCaseListItem } from "../../domain/case-contract";
import {
  CASE_OUTCOMES,
  decideMove,
  type TCaseActor,
  type TCaseMove,
  type TCaseMoveKind,
  type TCaseOutcome,
  type TCaseState,
} from "../../domain/case-machine";
import { maskNationalId } from "../../domain/national-id";
import type { TActor } from "../actor";

// The rows the queue and the case page read, and how the machine sees them. One SELECT list serves
// both, so a queue row and a case page never disagree about a case.

export const CASE_COLUMNS = `
  c.id::text, c.pensioner_id::text, p.name as pensioner_name, p.id_prefix, p.id_suffix, c.region_code,
  c.reason::text as reason, c.status::text as status, c.period, c.opened_at,
  p.monthly_pension_fen::text as monthly_pension_fen, p.payment_status::text as payment_status,
  c.assigned_to::text, ua.display_name as assigned_name,
  c.proposed_outcome::text as proposed_outcome, c.proposed_by::text, up.display_name as proposed_name,
  c.outcome::text as outcome, c.version, c.reopen_count`;

export const CASE_JOINS = `
  cases c
  join pensioners p on p.id = c.pensioner_id
  left join users ua on ua.id = c.assigned_to
  left join users up on up.id = c.proposed_by`;

export type TCaseRow = {
  id: string;
  pensioner_id: string;
  pensioner_name: string;
  id_prefix: string;
  id_suffix: string;
  region_code: string;
  reason: TCaseListItem["reason"];
  status: TCaseListItem["status"];
  period: string;
  opened_at: Date;
  monthly_pension_fen: string;
  payment_status: TCaseListItem["paymentStatus"];
  assigned_to: string | null;
  assigned_name: string | null;
  proposed_outcome: TCaseOutcome | null;
  proposed_by: string | null;
  proposed_name: string | null;
  outcome: TCaseOutcome | null;
  version: number;
  reopen_count: number;
};

const ref = (id: string | null, name: string | null) => (id ? { id, displayName: name ?? "—" } : null);

export function toCaseListItem(r: TCaseRow, regionNames: Map<string, string>, now = new Date()): TCaseListItem {
  return {
    id: r.id,
    pensionerId: r.pensioner_id,
    pensionerName: r.pensioner_name,
    idMasked: maskNationalId(r.id_prefix, r.id_suffix),
    regionCode: r.region_code,
    regionName: regionNames.get(r.region_code) ?? r.region_code,
    reason: r.reason,
    status: r.status,
    period: r.period,
    openedAt: r.opened_at.toISOString(),
    ageDays: Math.max(0, Math.floor((now.getTime() - r.opened_at.getTime()) / 86_400_000)),
    monthlyPensionFen: r.monthly_pension_fen,
    paymentStatus: r.payment_status,
    assignedTo: ref(r.assigned_to, r.assigned_name),
    proposedOutcome: r.proposed_outcome,
    proposedBy: ref(r.proposed_by, r.proposed_name),
    outcome: r.outcome,
    version: r.version,
  };
}

/** The machine's view of a case row. */
export function caseState(r: Pick<TCaseRow, "status" | "reason" | "payment_status" | "proposed_outcome" | "proposed_by" | "outcome">): TCaseState {
  return {
    status: r.status,
    reason: r.reason,
    paymentStatus: r.payment_status,
    proposedOutcome: r.proposed_outcome,
    proposedBy: r.proposed_by,
    outcome: r.outcome,
  };
}

/**
 * Whether an appeal has reopened the case since its last decision. A case leaves `closed` only by
 * an appeal (which counts in reopen_count and keeps the decided outcome), so a case that was
 * reopened and is not closed again is exactly one with an `appealed` event after its last decision.
 */
export function isReopened(r: Pick<TCaseRow, "reopen_count" | "status">): boolean {
  return r.reopen_count > 0 && r.status !== "closed";
}

/** The machine's actor, or null for roles that never work cases (system, kiosk, anonymous). */
export function caseActor(actor: TActor): TCaseActor | null {
  if (!actor.userId) return null;
  if (actor.role !== "officer" && actor.role !== "supervisor" && actor.role !== "admin") return null;
  return { userId: actor.userId, role: actor.role };
}

/** The permission each move needs on top of what the machine says. */
export function movePermission(kind: TCaseMoveKind): "cases.work" | "cases.approve" {
  return kind === "approve" || kind === "reject" ? "cases.approve" : "cases.work";
}

const MOVES: TCaseMoveKind[] = [
  "assign",
  "note",
  "evidence",
  "in_person_check",
  "manual_intervention",
  "propose",
  "withdraw",
  "reject",
  "approve",
  "appeal",
];

/** What the caller may do with the case now (the page's buttons), from the same machine the moves use. */
export function allowedFor(actor: TActor, r: TCaseRow): { allowedMoves: TCaseMoveKind[]; allowedOutcomes: TCaseOutcome[] } {
  const who = caseActor(actor);
  if (!who) return { allowedMoves: [], allowedOutcomes: [] };
  const state = caseState(r);
  const reopened = isReopened(r);
  const ok = (m: TCaseMove) => can(who.role, movePermission(m.kind)) && decideMove(state, m, who, reopened).ok;
  const allowedOutcomes = CASE_OUTCOMES.filter((outcome) => ok({ kind: "propose", outcome }));
  const allowedMoves = MOVES.filter((kind) => (kind === "propose" ? allowedOutcomes.length > 0 : ok({ kind } as TCaseMove)));
  return { allowedMoves, allowedOutcomes };
}

type TDetailRow = TCaseRow & {
  detail: Record<string, unknown>;
  proposed_at: Date | null;
  proposal_note: string | null;
  death_certified_on: string | null;
  decided_by: string | null;
  decided_name: string | null;
  decided_at: Date | null;
  closed_at: Date | null;
};

/** The case page: the case, the payment stop in force for its pensioner (or this case's last one) with its arrears, its timeline, and the caller's moves. `null` when it is not in `patterns`. */
export async function loadCaseDetail(
  db: pg.Pool | pg.PoolClient,
  actor: TActor,
  id: string,
  patterns: string[],
  regionNames: Map<string, string>,
): Promise<TCaseDetail | null> {
  const { rows } = await db.query<TDetailRow>(
    `select ${CASE_COLUMNS}, c.detail, c.proposed_at, c.proposal_note, to_char(c.death_certified_on, 'YYYY-MM-DD') as death_certified_on,
            c.decided_by::text, ud.display_name as decided_name, c.decided_at, c.closed_at
       from ${CASE_JOINS}
       left join users ud on ud.id = c.decided_by
      where c.id = $1::uuid and c.region_code like any($2)`,
    [id, patterns],
  );
  const r = rows[0];
  if (!r) return null;
  const [holds, events] = await Promise.all([
    db.query<{ id: string; kind: "suspended" | "terminated"; cause: "deceased" | "unverified" | "sentenced"; monthly_fen: string; start_period: string; savings_end_period: string | null; lifted_period: string | null }>(
      `select id::text, kind, cause, monthly_fen::text, start_period, savings_end_period, lifted_period
         from payment_holds where case_id = $1 or (pensioner_id = $2 and lifted_period is null)
        order by lifted_period is null desc, created_at desc, id limit 1`,
      [id, r.pensioner_id],
    ),
    db.query<{ id: string; kind: string; actor_id: string | null; actor_name: string | null; body: string | null; data: Record<string, unknown>; at: Date }>(
      `select e.id::text, e.kind, e.actor_id::text, u.display_name as actor_name, e.body, e.data, e.at
         from case_events e left join users u on u.id = e.actor_id
        where e.case_id = $1 order by e.at, e.id`,
      [id],
    ),
  ]);
  const h = holds.rows[0];
  const arrears = h
    ? (
        await db.query<{ period: string; amount_fen: string; due_period: string }>(
          `select period, amount_fen::text, due_period from payment_arrears where hold_id = $1 order by period`,
          [h.id],
        )
      ).rows
    : [];
  return {
    ...toCaseListItem(r, regionNames),
    detail: r.detail ?? {},
    proposedAt: r.proposed_at?.toISOString() ?? null,
    proposalNote: r.proposal_note,
    deathCertifiedOn: r.death_certified_on,
    decidedBy: ref(r.decided_by, r.decided_name),
    decidedAt: r.decided_at?.toISOString() ?? null,
    closedAt: r.closed_at?.toISOString() ?? null,
    reopenCount: r.reopen_count,
    hold: h
      ? {
          id: h.id,
          kind: h.kind,
          cause: h.cause,
          monthlyFen: h.monthly_fen,
          startPeriod: h.start_period,
          savingsEndPeriod: h.savings_end_period,
          liftedPeriod: h.lifted_period,
        }
      : null,
    arrears: arrears.map((a) => ({ period: a.period, amountFen: a.amount_fen, duePeriod: a.due_period })),
    events: events.rows.map((e) => ({
      id: e.id,
      kind: e.kind,
      actor: ref(e.actor_id, e.actor_name),
      body: e.body,
      data: e.data ?? {},
      at: e.at.toISOString(),
    })),
    ...allowedFor(actor, r),
  };
}
