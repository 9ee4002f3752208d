import "server-only";
import type { z } from "zod";
import type { TCaseDetail, ZDecisionBody } from "../../domain/case-contract";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { applyCaseMove } from "./apply-case-move";
import { NO_PROPOSAL } from "./withdraw-case-proposal";

/** A supervisor other than the proposer rejects the proposal, saying why: the case is open again and the payment unchanged. */
export async function rejectCaseProposal(actor: TActor, caseId: string, body: z.infer<typeof ZDecisionBody>, locale: string, opts: { now?: Date } = {}): Promise<TCaseDetail> {
  if (!body.note) throw AppError.validation([{ path: "body.note", message: "reasonRequired" }]);
  const note = body.note;
  return applyCaseMove(actor, caseId, { kind: "reject" }, {
    version: body.version,
    locale,
    now: opts.now,
    plan: (c) => ({
      set: NO_PROPOSAL,
      event: { kind: "rejected", body: note, data: { outcome: c.proposed_outcome, proposedBy: c.proposed_by } },
      audit: { action: "case.reject", summary: { outcome: c.proposed_outcome, proposedBy: c.proposed_by } },
    }),
  });
}
