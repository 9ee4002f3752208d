import "server-only";
import type { z } from "zod";
import type { TCaseDetail, ZProposalBody } from "../../domain/case-contract";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { applyCaseMove } from "./apply-case-move";
import { pastDay } from "./case-dates";

/**
 * Proposes an outcome for an open case. Suspension, termination, reinstatement and confirming a
 * held payment wait for a supervisor; confirming a paid pensioner alive closes the case at once.
 */
export async function proposeCaseOutcome(actor: TActor, caseId: string, body: z.infer<typeof ZProposalBody>, locale: string, opts: { now?: Date } = {}): Promise<TCaseDetail> {
  const now = opts.now ?? new Date();
  if (body.deathCertifiedOn !== undefined) {
    if (body.outcome !== "terminate") throw AppError.validation([{ path: "body.deathCertifiedOn", message: "is only for a termination" }]);
    pastDay(body.deathCertifiedOn, "body.deathCertifiedOn", now);
  }
  return applyCaseMove(actor, caseId, { kind: "propose", outcome: body.outcome }, {
    version: body.version,
    locale,
    now,
    plan: (c, r) => {
      const proposal = {
        proposed_outcome: body.outcome,
        proposed_by: actor.userId,
        proposed_at: now,
        proposal_note: body.note,
        death_certified_on: body.deathCertifiedOn ?? null,
      };
      const data = { outcome: body.outcome, deathCertifiedOn: body.deathCertifiedOn ?? null };
      return r.closesNow
        ? {
            set: { ...proposal, outcome: body.outcome, decided_by: actor.userId, decided_at: now, closed_at: now },
            event: { kind: "closed", body: body.note, data: { ...data, closesNow: true } },
            audit: { action: "case.propose", summary: { ...data, closesNow: true, paymentStatus: c.payment_status } },
            deathCertifiedOn: body.deathCertifiedOn ?? null,
          }
        : {
            set: proposal,
            event: { kind: "proposed", body: body.note, data },
            audit: { action: "case.propose", summary: { ...data, closesNow: false, paymentStatus: c.payment_status } },
          };
    },
  });
}
