import "server-only";
import type { z } from "zod";
import type { TCaseDetail, ZNoteBody } from "../../domain/case-contract";
import type { TActor } from "../actor";
import { applyCaseMove } from "./apply-case-move";

/** Appends a note to the timeline of a case that is not closed, audited (the note's text stays in the case, not the audit trail). */
export async function addCaseNote(actor: TActor, caseId: string, body: z.infer<typeof ZNoteBody>, locale: string, opts: { now?: Date } = {}): Promise<TCaseDetail> {
  return applyCaseMove(actor, caseId, { kind: "note" }, {
    locale,
    now: opts.now,
    plan: () => ({
      event: { kind: "note", body: body.body },
      audit: { action: "case.note", summary: { length: body.body.length } },
    }),
  });
}
