import "server-only";
import type { z } from "zod";
import type { TCaseDetail, ZEvidenceBody } from "../../domain/case-contract";
import type { TActor } from "../actor";
import { applyCaseMove } from "./apply-case-move";
import { pastDay } from "./case-dates";

/** Records a document (death certificate, court record, …) on a case that is not closed, audited. */
export async function addCaseEvidence(actor: TActor, caseId: string, body: z.infer<typeof ZEvidenceBody>, locale: string, opts: { now?: Date } = {}): Promise<TCaseDetail> {
  const now = opts.now ?? new Date();
  if (body.issuedOn) pastDay(body.issuedOn, "body.issuedOn", now);
  return applyCaseMove(actor, caseId, { kind: "evidence" }, {
    locale,
    now,
    plan: () => ({
      event: { kind: "evidence", body: body.body ?? null, data: { type: body.type, reference: body.reference, issuedBy: body.issuedBy ?? null, issuedOn: body.issuedOn ?? null } },
      audit: { action: "case.evidence", summary: { type: body.type, issuedOn: body.issuedOn ?? null } },
    }),
  });
}
