import "server-only";
import type { z } from "zod";
import { env } from "../../env.js";
import type { TCaseDetail, ZAppealBody } from "../../domain/case-contract";
import type { TActor } from "../actor";
import { AppError } from "../app-error";
import { todayCst } from "../checks/list-kiosk-checks";
import { applyCaseMove } from "./apply-case-move";
import { pastDay } from "./case-dates";

/**
 * Records a pensioner's appeal against a suspension or termination: the case reopens (its decided
 * outcome is kept, so a reinstatement can follow), the decision's fields are cleared for the next
 * one, and the appeal is audited. An appeal received after APPEAL_DAYS is marked late, not refused:
 * a person wrongly stopped must still be heard.
 */
export async function appealCase(actor: TActor, caseId: string, body: z.infer<typeof ZAppealBody>, locale: string, opts: { now?: Date } = {}): Promise<TCaseDetail> {
  const now = opts.now ?? new Date();
  pastDay(body.receivedOn, "body.receivedOn", now);
  return applyCaseMove(actor, caseId, { kind: "appeal" }, {
    version: body.version,
    locale,
    now,
    plan: (c) => {
      const decidedOn = c.closed_at ? todayCst(c.closed_at) : null;
      if (decidedOn && body.receivedOn < decidedOn) throw AppError.validation([{ path: "body.receivedOn", message: `is before the decision of ${decidedOn}` }]);
      const daysAfter = decidedOn ? Math.round((Date.parse(body.receivedOn) - Date.parse(decidedOn)) / 86_400_000) : null;
      const late = daysAfter !== null && daysAfter > env.APPEAL_DAYS;
      return {
        set: {
          reopen_count: c.reopen_count + 1,
          proposed_outcome: null,
          proposed_by: null,
          proposed_at: null,
          proposal_note: null,
          death_certified_on: null,
          decided_by: null,
          decided_at: null,
          closed_at: null,
        },
        event: { kind: "appealed", body: body.note, data: { receivedOn: body.receivedOn, against: c.outcome, daysAfterDecision: daysAfter, late } },
        audit: { action: "case.appeal", summary: { receivedOn: body.receivedOn, against: c.outcome, late, reopenCount: c.reopen_count + 1 } },
      };
    },
  });
}
