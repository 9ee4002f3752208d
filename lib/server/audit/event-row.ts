import "server-only";
import type { TLeafEvent } from "../../audit-log/leaf";

/**
 * The columns of audit_events as a leaf commits to them, aliased to TLeafEvent's names: the id as
 * text (bigint), `at` as the ISO 8601 UTC string with milliseconds (the column's precision), which
 * is what Date.toISOString() writes for the same instant.
 */
export const LEAF_EVENT_COLUMNS = (alias: string) =>
  `${alias}.id::text as "id", to_char(${alias}.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "at", ` +
  `${alias}.actor_id::text as "actorId", ${alias}.actor_role as "actorRole", ${alias}.action, ${alias}.target_type as "targetType", ` +
  `${alias}.target_id as "targetId", ${alias}.region_code as "regionCode", ${alias}.summary, ${alias}.request_id as "requestId", ${alias}.ip`;

export function leafEventOf(r: Record<string, unknown>): TLeafEvent {
  return {
    id: r.id as string,
    at: r.at as string,
    actorId: (r.actorId as string | null) ?? null,
    actorRole: r.actorRole as string,
    action: r.action as string,
    targetType: r.targetType as string,
    targetId: (r.targetId as string | null) ?? null,
    regionCode: (r.regionCode as string | null) ?? null,
    summary: r.summary,
    requestId: (r.requestId as string | null) ?? null,
    ip: (r.ip as string | null) ?? null,
  };
}
