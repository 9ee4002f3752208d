import "server-only";
import { pool } from "../../db/client";
import type { TActor } from "../actor";
import { auditTrailWhere, type TAuditTrailFilter } from "./audit-trail-filter";

export type TAuditTrailItem = {
  id: string;
  at: string;
  actorName: string | null;
  actorRole: string;
  action: string;
  targetType: string;
  targetId: string | null;
  regionCode: string | null;
  summary: unknown;
  /** Leaf index once sealed; the first checkpoint that covers it (its id and tree size); null while pending. */
  leafIndex: number | null;
  checkpointId: string | null;
  checkpointSize: number | null;
};

/** A page of the audit events the actor's regions may see, newest first, each with its sealing status. */
export async function listAuditTrail(actor: TActor, filter: TAuditTrailFilter & { page: number; pageSize: number }) {
  const { sql, params } = auditTrailWhere(actor, filter);
  const n = params.length;
  const [rows, total] = await Promise.all([
    pool().query(
      `select e.id::text, e.at, u.display_name as "actorName", e.actor_role as "actorRole", e.action, e.target_type as "targetType",
              e.target_id as "targetId", e.region_code as "regionCode", e.summary, l.seq::text as "leafIndex", c.id::text as "checkpointId", c.tree_size::text as "checkpointSize"
         from audit_events e
         left join users u on u.id = e.actor_id
         left join audit_log_leaves l on l.event_id = e.id
         left join lateral (select id, tree_size from audit_checkpoints where tree_size > l.seq order by tree_size limit 1) c on l.seq is not null
        where ${sql}
        order by e.id desc
        limit $${n + 1} offset $${n + 2}`,
      [...params, filter.pageSize, (filter.page - 1) * filter.pageSize],
    ),
    pool().query<{ n: string }>(`select count(*)::text as n from audit_events e where ${sql}`, params),
  ]);
  const items: TAuditTrailItem[] = rows.rows.map((r) => ({
    ...r,
    at: (r.at as Date).toISOString(),
    leafIndex: r.leafIndex === null ? null : Number(r.leafIndex),
    checkpointSize: r.checkpointSize === null ? null : Number(r.checkpointSize),
  }));
  return { items, total: Number(total.rows[0]!.n), page: filter.page, pageSize: filter.pageSize };
}
