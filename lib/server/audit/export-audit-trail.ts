import "server-only";
import { inclusionProof } from "../../audit-log/merkle";
import type { TAuditExport } from "../../audit-log/verify-proof";
import { pool } from "../../db/client";
import { vmsg } from "../../i18n/validation";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { auditTrailWhere, type TAuditTrailFilter } from "./audit-trail-filter";
import { LEAF_EVENT_COLUMNS, leafEventOf } from "./event-row";
import { getLatestCheckpoint } from "./get-latest-checkpoint";
import { withLogNodes } from "./log-nodes";

export const EXPORT_MAX_EVENTS = 5000;

/**
 * The filtered events the actor may see, oldest first, each with its inclusion proof against the
 * latest checkpoint (pending events carry none): everything an auditor needs to verify offline.
 */
export async function exportAuditTrail(actor: TActor, filter: TAuditTrailFilter): Promise<TAuditExport> {
  const { sql, params } = auditTrailWhere(actor, filter);
  const count = Number((await pool().query<{ n: string }>(`select count(*)::text as n from audit_events e where ${sql}`, params)).rows[0]!.n);
  if (count > EXPORT_MAX_EVENTS) throw AppError.validation([{ path: "query", message: vmsg("exportTooLarge", { count, max: EXPORT_MAX_EVENTS }) }]);
  const { checkpoint, origin } = await getLatestCheckpoint();
  const size = checkpoint?.treeSize ?? 0;
  const rows = await pool().query(
    `select ${LEAF_EVENT_COLUMNS("e")}, l.seq::text as seq from audit_events e left join audit_log_leaves l on l.event_id = e.id where ${sql} order by e.id`,
    params,
  );
  const sealed = (seq: string | null) => seq !== null && Number(seq) < size;
  const proofs = await withLogNodes(pool(), (node) => rows.rows.map((r) => (sealed(r.seq) ? inclusionProof(Number(r.seq), size, node) : null)));
  return {
    format: "gz-hrss.audit-export/v1",
    origin,
    checkpoint: checkpoint?.note ?? null,
    treeSize: size,
    events: rows.rows.map((r, i) => ({
      event: leafEventOf(r),
      leafIndex: sealed(r.seq) ? Number(r.seq) : null,
      proof: proofs[i]?.map((h) => Buffer.from(h).toString("base64")) ?? null,
    })),
  };
}
