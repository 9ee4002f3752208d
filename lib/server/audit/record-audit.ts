import type { TTx } from "../../db/client";
import type { TActor } from "../actor";

export type TAuditInput = {
  action: string;
  targetType: string;
  targetId?: string | null;
  regionCode?: string | null;
  /** Before/after summary: field names and non-identifying values only, never raw PII. */
  summary?: Record<string, unknown>;
};

/** Writes one audit event inside the caller's transaction, so it commits with the change it records. */
export async function recordAudit(tx: TTx, actor: TActor, e: TAuditInput): Promise<void> {
  await tx.auditEvent.create({
    data: {
      actorId: actor.userId,
      actorRole: actor.role,
      action: e.action,
      targetType: e.targetType,
      targetId: e.targetId ?? null,
      regionCode: e.regionCode ?? null,
      summary: JSON.parse(JSON.stringify(e.summary ?? {}, (_k, v) => (typeof v === "bigint" ? v.toString() : v))),
      requestId: actor.requestId,
      ip: actor.ip,
    },
    select: { id: true },
  });
}
