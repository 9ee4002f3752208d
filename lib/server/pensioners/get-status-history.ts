import "server-only";
import { pool } from "../../db/client";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { scopePatterns } from "../regions/scope";
import { isUuid } from "../schemas";
import { isoFromJson } from "../json-timestamp";

export type TStatusHistoryRow = {
  period: string;
  status: string;
  basis: string;
  S: number;
  T: number;
  previousStatus: string | null;
  deathAt: string | null;
  affirmedAt: string | null;
  modelVersion: string;
  evidenceCount: number;
  runId: string | null;
  assessedAt: string;
};

// One statement: the scope check and the rows (a round trip costs the app more than this read).
const HISTORY_SQL = `select coalesce((
    select json_agg(h order by h.period desc) from (
      select s.period, s.status::text as status, s.basis, s.s, s.t, s.previous_status::text as previous_status, s.death_at, s.affirmed_at,
             s.model_version, cardinality(s.evidence_refs) as evidence_count, s.run_id::text as run_id, s.assessed_at
        from survival_statuses s where s.pensioner_id = p.id order by s.period desc limit $3) h), '[]'::json) as rows
  from pensioners p where p.id = $1 and p.region_code like any($2)`;

const iso = isoFromJson;

/** A pensioner's survival status, period by period (newest first), within the caller's regions. */
export async function getStatusHistory(actor: TActor, pensionerId: string, limit = 36): Promise<TStatusHistoryRow[]> {
  if (!isUuid(pensionerId)) throw AppError.notFound("Pensioner");
  const { rows } = await pool().query<{ rows: Record<string, string | number | null>[] }>(HISTORY_SQL, [pensionerId, scopePatterns(actor.regions), limit]);
  if (!rows[0]) throw AppError.notFound("Pensioner");
  return rows[0].rows.map((r) => ({
    period: r.period as string,
    status: r.status as string,
    basis: r.basis as string,
    S: r.s as number,
    T: r.t as number,
    previousStatus: r.previous_status as string | null,
    deathAt: iso(r.death_at as string | null),
    affirmedAt: iso(r.affirmed_at as string | null),
    modelVersion: r.model_version as string,
    evidenceCount: r.evidence_count as number,
    runId: r.run_id as string | null,
    assessedAt: iso(r.assessed_at as string)!,
  }));
}
