import "server-only";
import { pool, prisma } from "../../db/client";
import type { TActor } from "../actor";
import { runView, runViewSelect, type TRunView } from "./run-view";

/** Ids of runs that touch the caller's regions (a run of the province shows to a county officer too). */
export async function runIdsInScope(actor: TActor, opts: { period?: string; limit: number; offset: number }): Promise<{ ids: string[]; total: number }> {
  const { rows } = await pool().query<{ id: string; total: string }>(
    `select id, count(*) over () as total from monthly_runs r
      where ($2::text is null or r.period = $2)
        and exists (select 1 from unnest(r.region_codes) rc, unnest($1::text[]) s where rc like s || '%' or s like rc || '%')
      order by r.period desc, r.created_at desc limit $3 offset $4`,
    [actor.regions, opts.period ?? null, opts.limit, opts.offset],
  );
  return { ids: rows.map((r) => r.id), total: Number(rows[0]?.total ?? 0) };
}

/** The runs the caller may see, newest period first, one page at a time. */
export async function listRuns(actor: TActor, q: { period?: string; page: number; pageSize: number }): Promise<{ items: TRunView[]; total: number }> {
  const { ids, total } = await runIdsInScope(actor, { period: q.period, limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  const rows = await prisma().monthlyRun.findMany({ where: { id: { in: ids } }, select: runViewSelect });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return { items: ids.map((id) => runView(byId.get(id)!)), total };
}
