import "server-only";
import { inclusionProof } from "../../audit-log/merkle";
import type { TInclusionBundle } from "../../audit-log/verify-proof";
import { pool } from "../../db/client";
import { vmsg } from "../../i18n/validation";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { auditTrailWhere } from "./audit-trail-filter";
import { LEAF_EVENT_COLUMNS, leafEventOf } from "./event-row";
import { checkpointOfSize, getLatestCheckpoint, type TCheckpointView } from "./get-latest-checkpoint";
import { withLogNodes } from "./log-nodes";

/**
 * The inclusion proof of one event the actor may see, against the checkpoint of `treeSize` (default:
 * the latest). The bundle carries the event's own fields, so a verifier recomputes its leaf hash.
 */
export async function getEventProof(actor: TActor, eventId: string, treeSize?: number): Promise<TInclusionBundle & { checkpointId: string }> {
  const { sql, params } = auditTrailWhere(actor, {});
  const r = await pool().query(
    `select ${LEAF_EVENT_COLUMNS("e")}, l.seq::text as seq from audit_events e left join audit_log_leaves l on l.event_id = e.id
      where e.id = $${params.length + 1} and ${sql}`,
    [...params, eventId],
  );
  const row = r.rows[0];
  if (!row) throw AppError.notFound("Audit event");
  if (row.seq === null) throw new AppError("CONFLICT", "This event is not sealed yet; the worker seals new events within seconds");
  const leafIndex = Number(row.seq);
  let cp: TCheckpointView | null;
  if (treeSize === undefined) {
    cp = (await getLatestCheckpoint()).checkpoint;
    if (!cp) throw new AppError("CONFLICT", "No checkpoint has been published yet");
  } else {
    cp = await checkpointOfSize(treeSize);
    if (!cp) throw AppError.validation([{ path: "query.treeSize", message: vmsg("checkpointSize") }]);
  }
  if (leafIndex >= cp.treeSize) throw AppError.validation([{ path: "query.treeSize", message: vmsg("notInTree", { leaf: leafIndex }) }]);
  const proof = await withLogNodes(pool(), (node) => inclusionProof(leafIndex, cp.treeSize, node));
  return {
    event: leafEventOf(row),
    leafIndex,
    treeSize: cp.treeSize,
    proof: proof.map((h) => Buffer.from(h).toString("base64")),
    checkpoint: cp.note,
    checkpointId: cp.id,
  };
}
