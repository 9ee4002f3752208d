import "server-only";
import { inclusionProof } from "../../audit-log/merkle";
import type { TExportedEvent } from "../../audit-log/verify-proof";
import { pgTx } from "../../db/pg-tx";
import type { TActor } from "../actor";
import { snapshotStream } from "../snapshot-stream";
import { auditTrailWhere, type TAuditTrailFilter } from "./audit-trail-filter";
import { LEAF_EVENT_COLUMNS, leafEventOf } from "./event-row";
import { getLatestCheckpoint } from "./get-latest-checkpoint";
import { recordAuditBulk } from "./record-audit-bulk";
import { withLogNodes } from "./log-nodes";

type TExportState = { size: number; first: boolean };

/** `JSON.stringify(x, null, 2)` of an element of the top-level object's "events" array, at its depth. */
const eventJson = (e: TExportedEvent) => "    " + JSON.stringify(e, null, 2).replaceAll("\n", "\n    ");

/**
 * The filtered events the actor may see, oldest first, each with its inclusion proof against the
 * latest checkpoint (pending events carry none): everything an auditor needs to verify offline,
 * as a JSON file of any size. The export is audited (audit.export, with the filter and count)
 * before the first byte; the file then streams from one read-only snapshot, so its checkpoint and
 * its proofs belong together. The bytes are those of `JSON.stringify(TAuditExport, null, 2)`.
 */
export async function exportAuditTrail(actor: TActor, filter: TAuditTrailFilter, opts: { batch?: number } = {}): Promise<ReadableStream<Uint8Array>> {
  const { sql, params } = auditTrailWhere(actor, filter);
  await pgTx(async (client) => {
    const count = Number((await client.query<{ n: string }>(`select count(*)::text as n from audit_events e where ${sql}`, params)).rows[0]!.n);
    const used = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));
    await recordAuditBulk(client, actor, "audit.export", "audit_trail", [
      { targetId: null, regionCode: actor.regions.length === 1 ? actor.regions[0]! : null, summary: { filter: used, count, regionCodes: actor.regions } },
    ]);
  });
  return snapshotStream<TExportState & { head: string }, Record<string, unknown> & { seq: string | null }>(
    {
      open: async (client) => {
        const { checkpoint, origin } = await getLatestCheckpoint(client);
        const size = checkpoint?.treeSize ?? 0;
        // The top level as JSON.stringify writes it, cut before the events array.
        const head = JSON.stringify({ format: "gz-hrss.audit-export/v1", origin, checkpoint: checkpoint?.note ?? null, treeSize: size, events: [] }, null, 2);
        return { size, first: true, head: head.slice(0, -"[]\n}".length) };
      },
      sql: `select ${LEAF_EVENT_COLUMNS("e")}, l.seq::text as seq from audit_events e left join audit_log_leaves l on l.event_id = e.id where ${sql} order by e.id`,
      params,
      head: (s) => s.head,
      encode: async (rows, s, client) => {
        const sealed = (seq: string | null) => seq !== null && Number(seq) < s.size;
        const proofs = await withLogNodes(client, (node) => rows.map((r) => (sealed(r.seq) ? inclusionProof(Number(r.seq), s.size, node) : null)));
        const text = rows
          .map((r, i) =>
            eventJson({
              event: leafEventOf(r),
              leafIndex: sealed(r.seq) ? Number(r.seq) : null,
              proof: proofs[i]?.map((h) => Buffer.from(h).toString("base64")) ?? null,
            }),
          )
          .join(",\n");
        const out = (s.first ? "[\n" : ",\n") + text;
        s.first = false;
        return out;
      },
      tail: (s) => (s.first ? "[]\n}" : "\n  ]\n}"),
    },
    { batch: opts.batch, context: { export: "audit", requestId: actor.requestId } },
  );
}
