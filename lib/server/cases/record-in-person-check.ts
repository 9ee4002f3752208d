import "server-only";
import type { z } from "zod";
import type { TCaseDetail, ZInPersonCheckBody } from "../../domain/case-contract";
import type { TActor } from "../actor";
import { enqueue } from "../jobs/enqueue";
import { CASE_EVIDENCE_JOB_OPTIONS, QUEUES } from "../jobs/queues";
import { applyCaseMove } from "./apply-case-move";
import { pastInstant } from "./case-dates";
import type { TCaseEvidenceJob } from "./feed-case-evidence";

/**
 * Records an officer's in-person check on an open case; in the same transaction a job is queued
 * that feeds it to BDMI as 01/01 (passed = 1, failed = 0) and reassesses the pensioner.
 */
export async function recordInPersonCheck(actor: TActor, caseId: string, body: z.infer<typeof ZInPersonCheckBody>, locale: string, opts: { now?: Date } = {}): Promise<TCaseDetail> {
  const now = opts.now ?? new Date();
  const at = pastInstant(body.at, "body.at", now).toISOString();
  return applyCaseMove(actor, caseId, { kind: "in_person_check" }, {
    locale,
    now,
    plan: () => ({
      event: { kind: "in_person_check", body: body.body ?? null, data: { result: body.result, at, place: body.place, evidence: { source: "01", item: "01", result: body.result === "passed" ? 1 : 0 } } },
      audit: { action: "case.in_person_check", summary: { result: body.result, at } },
      after: (client, eventId) => enqueue(client, QUEUES.caseEvidence, { caseEventId: eventId } satisfies TCaseEvidenceJob, CASE_EVIDENCE_JOB_OPTIONS),
    }),
  });
}
