import "server-only";
import type pg from "pg";
import type { TActor } from "../actor";

export type TBulkAuditRow = { targetId: string | null; regionCode: string | null; summary: Record<string, unknown> };

/**
 * Writes many audit events of one action in one statement, inside the caller's transaction (a
 * pg client that has begun one): set-based work such as a monthly run audits every pensioner it
 * changes without a round trip per event.
 */
export async function recordAuditBulk(client: pg.PoolClient, actor: TActor, action: string, targetType: string, rows: TBulkAuditRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await client.query(
    `insert into audit_events (actor_id, actor_role, action, target_type, target_id, region_code, summary, request_id, ip)
     select $1::uuid, $2, $3, $4, t.target_id, t.region_code, t.summary, $8, $9
       from unnest($5::text[], $6::text[], $7::jsonb[]) as t(target_id, region_code, summary)`,
    [
      actor.userId,
      actor.role,
      action,
      targetType,
      rows.map((r) => r.targetId),
      rows.map((r) => r.regionCode),
      rows.map((r) => JSON.stringify(r.summary)),
      actor.requestId,
      actor.ip,
    ],
  );
  return r.rowCount ?? 0;
}
