import "server-only";
import type pg from "pg";
import { can } from "../../auth/permissions";
import type { TCaseDetail } from "../../domain/case-contract";
import { decideMove, type TCaseMove, type TCaseRefusal, type TMoveResult } from "../../domain/case-machine";
import { pgTx } from "../../db/pg-tx";
import { pool } from "../../db/client";
import type { TActor } from "../actor";
import { AppError, type TFieldError } from "../app-error";
import { recordAuditBulk } from "../audit/record-audit-bulk";
import { regionNames } from "../regions/region-names";
import { inScope, scopePatterns } from "../regions/scope";
import { isUuid } from "../schemas";
import { applyPaymentEffect } from "./apply-payment-effect";
import { CASE_COLUMNS, CASE_JOINS, caseActor, caseState, isReopened, loadCaseDetail, movePermission, type TCaseRow } from "./case-view";

/** The case as a move sees it, locked with its pensioner for the length of the transaction. */
export type TLockedCase = TCaseRow & { death_certified_on: string | null; closed_at: Date | null };

/** Columns a move may set, with the SQL type each value is cast to. */
const COLUMN_TYPES = {
  status: `"CaseStatus"`,
  assigned_to: "uuid",
  assigned_at: "timestamptz",
  proposed_outcome: `"CaseOutcome"`,
  proposed_by: "uuid",
  proposed_at: "timestamptz",
  proposal_note: "text",
  death_certified_on: "date",
  outcome: `"CaseOutcome"`,
  decided_by: "uuid",
  decided_at: "timestamptz",
  closed_at: "timestamptz",
  reopen_count: "int",
} as const;
export type TCaseSet = Partial<Record<keyof typeof COLUMN_TYPES, string | number | Date | null>>;

/** What one move writes, computed from the locked case and the machine's answer. */
export type TMovePlan = {
  /** Columns to set besides status and version; moves that carry no version (notes, evidence, checks) set nothing. */
  set?: TCaseSet;
  event: { kind: string; body?: string | null; data?: Record<string, unknown> };
  audit: { action: string; summary?: Record<string, unknown> };
  /** For a termination: the certified day of death the payment effect uses. */
  deathCertifiedOn?: string | null;
  /** Extra work in the same transaction once the event exists (e.g. enqueue a job keyed by its id). */
  after?: (client: pg.PoolClient, eventId: string) => Promise<void>;
};

const FIELD_OF: Partial<Record<TCaseRefusal, string>> = {
  CASE_BAD_OUTCOME: "body.outcome",
  CASE_REINSTATE_WITHOUT_CLOSED_CASE: "body.outcome",
};

function refusal(r: Extract<TMoveResult, { ok: false }>, move: TCaseMove): AppError {
  const path = move.kind === "propose" ? FIELD_OF[r.refusal] : undefined;
  const fieldErrors: TFieldError[] = path ? [{ path, message: r.message }] : [];
  return new AppError(r.refusal, r.message, { fieldErrors });
}

export function staleCase(): AppError {
  return new AppError("CASE_STALE", "The case changed since you opened it; reload", {
    fieldErrors: [{ path: "body.version", message: "is not the case's current version; reload the case" }],
  });
}

/**
 * The one way a case moves. In one transaction: lock the case and its pensioner, check the
 * caller's region and the version they saw, ask the state machine, write the case with a
 * compare-and-set on its version (so of two racing moves exactly one lands; the other is
 * CASE_STALE), apply the payment effect of a decision, append the case event and record the
 * audit event. Returns the case page as it is after the commit.
 */
export async function applyCaseMove(
  actor: TActor,
  caseId: string,
  move: TCaseMove,
  opts: { version?: number; now?: Date; locale: string; plan: (c: TLockedCase, result: Extract<TMoveResult, { ok: true }>, now: Date, client: pg.PoolClient) => TMovePlan | Promise<TMovePlan> },
): Promise<TCaseDetail> {
  const who = caseActor(actor);
  if (!who || !can(who.role, movePermission(move.kind))) throw new AppError("FORBIDDEN", "You do not have permission for this action");
  if (!isUuid(caseId)) throw AppError.notFound("Case");
  const now = opts.now ?? new Date();

  await pgTx(async (client) => {
    const { rows } = await client.query<TLockedCase>(
      `select ${CASE_COLUMNS}, to_char(c.death_certified_on, 'YYYY-MM-DD') as death_certified_on, c.closed_at
         from ${CASE_JOINS} where c.id = $1 for update of c, p`,
      [caseId],
    );
    const c = rows[0];
    if (!c) throw AppError.notFound("Case");
    if (!inScope(c.region_code, actor.regions)) {
      throw new AppError("FORBIDDEN", `This case belongs to region ${c.region_code}, outside your regions; only its region's staff can act on it`);
    }
    if (opts.version !== undefined && c.version !== opts.version) throw staleCase();
    const result = decideMove(caseState(c), move, who, isReopened(c));
    if (!result.ok) throw refusal(result, move);
    const plan = await opts.plan(c, result, now, client);

    if (opts.version !== undefined) {
      const set: TCaseSet = { ...plan.set, status: result.next };
      const cols = Object.keys(set) as (keyof typeof COLUMN_TYPES)[];
      const upd = await client.query(
        `update cases set ${cols.map((k, i) => `${k} = $${i + 3}::${COLUMN_TYPES[k]}`).join(", ")}, version = version + 1, updated_at = $${cols.length + 3}
          where id = $1 and version = $2`,
        [caseId, opts.version, ...cols.map((k) => set[k] ?? null), now],
      );
      if (upd.rowCount !== 1) throw staleCase();
    }

    const payment = await applyPaymentEffect(
      client,
      actor,
      { caseId, pensionerId: c.pensioner_id, regionCode: c.region_code, paymentStatus: c.payment_status, deathCertifiedOn: plan.deathCertifiedOn ?? c.death_certified_on },
      result.effect,
      now,
    );
    const ev = await client.query<{ id: string }>(
      `insert into case_events (case_id, case_period, region_code, kind, actor_id, body, data, at)
        values ($1, (select period from cases where id = $1 and region_code = $2), $2, $3, $4, $5, $6, $7) returning id::text`,
      [caseId, c.region_code, plan.event.kind, actor.userId, plan.event.body ?? null, JSON.stringify({ ...plan.event.data, ...(payment ? { payment } : {}) }), now],
    );
    const eventId = ev.rows[0]!.id;
    await recordAuditBulk(client, actor, plan.audit.action, "case", [
      {
        targetId: caseId,
        regionCode: c.region_code,
        summary: { from: c.status, to: result.next, version: opts.version !== undefined ? c.version + 1 : c.version, caseEventId: eventId, ...plan.audit.summary },
      },
    ]);
    await plan.after?.(client, eventId);
  });

  const detail = await loadCaseDetail(pool(), actor, caseId, scopePatterns(actor.regions), await regionNames(opts.locale));
  if (!detail) throw AppError.notFound("Case");
  return detail;
}
