import "server-only";
import type { z } from "zod";
import type { TCaseDetail, ZVersionBody } from "../../domain/case-contract";
import type { TActor } from "../actor";
import { applyCaseMove, type TCaseSet } from "./apply-case-move";

/** No proposal: what withdrawing or rejecting one leaves on the case. */
export const NO_PROPOSAL: TCaseSet = { proposed_outcome: null, proposed_by: null, proposed_at: null, proposal_note: null, death_certified_on: null };

/** Withdraws a proposal (its proposer, or a supervisor): the case is open again, audited. */
export async function withdrawCaseProposal(actor: TActor, caseId: string, body: z.infer<typeof ZVersionBody>, locale: string, opts: { now?: Date } = {}): Promise<TCaseDetail> {
  return applyCaseMove(actor, caseId, { kind: "withdraw" }, {
    version: body.version,
    locale,
    now: opts.now,
    plan: (c) => ({
      set: NO_PROPOSAL,
      event: { kind: "withdrawn", data: { outcome: c.proposed_outcome, proposedBy: c.proposed_by } },
      audit: { action: "case.withdraw", summary: { outcome: c.proposed_outcome, proposedBy: c.proposed_by } },
    }),
  });
}
