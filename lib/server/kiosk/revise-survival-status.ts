import "server-only";
import type pg from "pg";
import type { TAssessmentResult } from "../../bdmi/contract";
import type { TSurvivalState } from "../../bdmi/survival-model";
import type { TActor } from "../actor";
import { recordAuditBulk } from "../audit/record-audit-bulk";

type TRow = { status: string; previous_status: string | null };

/** The pensioner's state for the period before `period`, as the monthly run reads it (the model's `previous`). */
export async function previousState(client: pg.Pool | pg.PoolClient, pensionerId: string, period: string): Promise<TSurvivalState | null> {
  const { rows } = await client.query<{ period: string; status: TSurvivalState["status"]; basis: TSurvivalState["basis"]; s: number; t: number; death_at: Date | null; affirmed_at: Date | null }>(
    `select period, status, basis, s, t, death_at, affirmed_at from survival_statuses
      where pensioner_id = $1 and period < $2 order by period desc limit 1`,
    [pensionerId, period],
  );
  const r = rows[0];
  if (!r) return null;
  return { period: r.period, status: r.status, basis: r.basis, S: r.s, T: r.t, deathAt: r.death_at?.toISOString() ?? null, affirmedAt: r.affirmed_at?.toISOString() ?? null };
}

/**
 * Writes a same-period reassessment (after a kiosk pass, or a case's in-person check or manual
 * intervention: `cause`) inside the caller's transaction. The
 * period keeps one current row in survival_statuses, so every reader sees the new status; the row
 * it replaces is first copied to survival_status_revisions (append-only), so history is never lost.
 * Without a row for the period yet, the new one is simply inserted (the monthly run then skips it).
 */
export async function reviseSurvivalStatus(
  client: pg.PoolClient,
  actor: TActor,
  p: {
    pensionerId: string;
    regionCode: string;
    period: string;
    result: TAssessmentResult;
    previous: TSurvivalState | null;
    checkId: string | null;
    /** What brought the new evidence; "case-event" names the case event in `caseEventId`. */
    cause?: "kiosk-check" | "case-event";
    caseEventId?: string;
  },
): Promise<{ from: string | null; to: string; revised: boolean }> {
  const s = p.result.state;
  const cur = await client.query<TRow>(`select status::text, previous_status::text from survival_statuses where pensioner_id = $1 and period = $2 for update`, [p.pensionerId, p.period]);
  const before = cur.rows[0] ?? null;
  const refs = `{${p.result.evidenceRefs.join(",")}}`;
  const cause = p.cause ?? "kiosk-check";
  const origin = cause === "kiosk-check" ? { checkId: p.checkId } : { checkId: p.checkId, caseEventId: p.caseEventId ?? null };
  if (before) {
    await client.query(
      `insert into survival_status_revisions (pensioner_id, period, region_code, status, basis, s, t, death_at, affirmed_at, previous_status,
                                              model_version, evidence_refs, run_id, assessed_at, cause, check_id)
       select pensioner_id, period, region_code, status, basis, s, t, death_at, affirmed_at, previous_status,
              model_version, evidence_refs, run_id, assessed_at, $4, $3::uuid
         from survival_statuses where pensioner_id = $1 and period = $2`,
      [p.pensionerId, p.period, p.checkId, cause],
    );
    await client.query(
      `update survival_statuses set status = $3::"SurvivalStatusValue", basis = $4, s = $5, t = $6, death_at = $7, affirmed_at = $8,
              model_version = $9, evidence_refs = $10::bigint[], run_id = null, assessed_at = now()
        where pensioner_id = $1 and period = $2`,
      [p.pensionerId, p.period, s.status, s.basis, s.S, s.T, s.deathAt, s.affirmedAt, p.result.modelVersion, refs],
    );
  } else {
    await client.query(
      `insert into survival_statuses (pensioner_id, period, region_code, status, basis, s, t, death_at, affirmed_at, previous_status, model_version, evidence_refs)
       values ($1, $2, $3, $4::"SurvivalStatusValue", $5, $6, $7, $8, $9, $10::"SurvivalStatusValue", $11, $12::bigint[])`,
      [p.pensionerId, p.period, p.regionCode, s.status, s.basis, s.S, s.T, s.deathAt, s.affirmedAt, p.previous?.status ?? null, p.result.modelVersion, refs],
    );
  }
  const from = before?.status ?? null;
  await recordAuditBulk(client, actor, before ? "survival.revised" : "survival.assessed", "pensioner", [
    { targetId: p.pensionerId, regionCode: p.regionCode, summary: { period: p.period, from, to: s.status, basis: s.basis, cause, ...origin, modelVersion: p.result.modelVersion } },
  ]);
  if (from !== s.status && (from !== null || s.status !== "alive")) {
    await recordAuditBulk(client, actor, "survival.transition", "pensioner", [
      { targetId: p.pensionerId, regionCode: p.regionCode, summary: { period: p.period, from, to: s.status, basis: s.basis, modelVersion: p.result.modelVersion, cause, ...origin } },
    ]);
  }
  return { from, to: s.status, revised: !!before };
}
