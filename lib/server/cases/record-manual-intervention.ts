import "server-only";
import type { z } from "zod";
import type { TCaseDetail, ZManualInterventionBody } from "../../domain/case-contract";
import type { TActor } from "../actor";
import { enqueue } from "../jobs/enqueue";
import { CASE_EVIDENCE_JOB_OPTIONS, QUEUES } from "../jobs/queues";
import { applyCaseMove } from "./apply-case-move";
import { pastInstant } from "./case-dates";
import type { TCaseEvidenceJob } from "./feed-case-evidence";

/**
 * Records a manual intervention (the officer overrides the model: alive or deceased) on an open
 * case; in the same transaction a job is queued that feeds it to BDMI as 01/03 (alive = 0,
 * deceased = 1) and reassesses the pensioner.
 */
export async function recordManualIntervention(actor: TActor, caseId: string, body: z.infer<typeof ZManualInterventionBody>, locale: string, opts: { now?: Date } = {}): Promise<TCaseDetail> {
  const now = opts.now ?? new Date();
  const at = pastInstant(body.at, "body.at", now).toISOString();
  return applyCaseMove(actor, caseId, { kind: "manual_intervention" }, {
    locale,
    now,
    plan: () => ({
      event: { kind: "manual_intervention", body: body.body, data: { set: body.set, at, evidence: { source: "01", item: "03", result: body.set === "deceased" ? 1 : 0 } } },
      audit: { action: "case.manual_intervention", summary: { set: body.set, at } },
      after: (client, eventId) => enqueue(client, QUEUES.caseEvidence, { caseEventId: eventId } satisfies TCaseEvidenceJob, CASE_EVIDENCE_JOB_OPTIONS),
    }),
  });
}
