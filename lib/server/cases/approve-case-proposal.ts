import "server-only";
import type { z } from "zod";
import type { TCaseDetail, ZDecisionBody } from "../../domain/case-contract";
import type { TActor } from "../actor";
import { applyCaseMove } from "./apply-case-move";

/**
 * A supervisor of the case's region, not its proposer, approves the proposal: the case closes
 * with that outcome and its payment effect (hold or lift with arrears) lands in the same
 * transaction. Of two racing approvals exactly one wins; the other is CASE_STALE.
 */
export async function approveCaseProposal(actor: TActor, caseId: string, body: z.infer<typeof ZDecisionBody>, locale: string, opts: { now?: Date } = {}): Promise<TCaseDetail> {
  return applyCaseMove(actor, caseId, { kind: "approve" }, {
    version: body.version,
    locale,
    now: opts.now,
    plan: (c, _r, now) => ({
      set: { outcome: c.proposed_outcome, decided_by: actor.userId, decided_at: now, closed_at: now },
      event: { kind: "approved", body: body.note ?? null, data: { outcome: c.proposed_outcome, proposedBy: c.proposed_by } },
      audit: { action: "case.approve", summary: { outcome: c.proposed_outcome, proposedBy: c.proposed_by } },
    }),
  });
}
