import "server-only";
import { pool } from "../../db/client";
import type { TCaseList, TCaseListQuery } from "../../domain/case-contract";
import { vmsg } from "../../i18n/validation";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { regionNames } from "../regions/region-names";
import { narrowScope, scopePatterns } from "../regions/scope";
import { CASE_COLUMNS, CASE_JOINS, toCaseListItem, type TCaseRow } from "./case-view";

/** The case queue of the caller's regions (narrowed by a region filter): oldest first, or the largest pension at stake first. */
export async function listCases(actor: TActor, q: TCaseListQuery, locale: string): Promise<TCaseList> {
  const scopes = narrowScope(q.region, actor.regions);
  if (!scopes) throw AppError.validation([{ path: "query.region", message: vmsg("regionOutOfScope") }]);
  const statuses = q.status === "active" ? ["open", "proposed"] : q.status === "all" ? null : [q.status];
  const assigned = q.assigned === "me" ? "me" : q.assigned === "unassigned" ? "none" : null;
  const where = `c.region_code like any($1)
    and ($2::text[] is null or c.status::text = any($2))
    and ($3::text is null or c.reason::text = $3)
    and ($4::text is null or ($4 = 'me' and c.assigned_to = $5::uuid) or ($4 = 'none' and c.assigned_to is null))
    and (not $6::boolean or c.proposed_by is distinct from $5::uuid)`;
  const params = [scopePatterns(scopes), statuses, q.reason ?? null, assigned, actor.userId, q.proposer === "others"];
  const order = q.sort === "amount" ? "p.monthly_pension_fen desc, c.opened_at, c.id" : "c.opened_at, c.id";
  const [rows, count, names] = await Promise.all([
    pool().query<TCaseRow>(`select ${CASE_COLUMNS} from ${CASE_JOINS} where ${where} order by ${order} limit $7 offset $8`, [
      ...params,
      q.pageSize,
      (q.page - 1) * q.pageSize,
    ]),
    pool().query<{ n: string }>(`select count(*) as n from cases c where ${where}`, params),
    regionNames(locale),
  ]);
  const now = new Date();
  return { items: rows.rows.map((r) => toCaseListItem(r, names, now)), total: Number(count.rows[0]!.n), page: q.page, pageSize: q.pageSize };
}
