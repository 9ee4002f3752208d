// The cases API (issue 6), shared by the route handlers (app/api/v1/cases) and the officer's and
// supervisor's pages (components/cases). Money in fen is sent as a decimal string.
//
//   GET  /api/v1/cases?status=&reason=&region=&assigned=&sort=&page=&pageSize=   → TCaseList
//   GET  /api/v1/cases/:id                                                       → TCaseDetail
//   POST /api/v1/cases/:id/assign               ZAssignBody                      → TCaseDetail
//   POST /api/v1/cases/:id/notes                ZNoteBody                        → TCaseDetail
//   POST /api/v1/cases/:id/evidence             ZEvidenceBody                    → TCaseDetail
//   POST /api/v1/cases/:id/in-person-check      ZInPersonCheckBody (feeds 01/01) → TCaseDetail
//   POST /api/v1/cases/:id/manual-intervention  ZManualInterventionBody (01/03)  → TCaseDetail
//   POST /api/v1/cases/:id/proposal             ZProposalBody                    → TCaseDetail
//   POST /api/v1/cases/:id/withdraw             ZVersionBody                     → TCaseDetail
//   POST /api/v1/cases/:id/reject               ZDecisionBody (note required)    → TCaseDetail
//   POST /api/v1/cases/:id/approve              ZDecisionBody                    → TCaseDetail
//   POST /api/v1/cases/:id/appeal               ZAppealBody                      → TCaseDetail
//
// Every move that changes the case carries the `version` the caller saw; a stale version is a 409
// (someone else moved the case first), which is also how exactly one of two racing approvals wins.
import { z } from "zod";
import { CASE_OUTCOMES, CASE_REASONS, CASE_STATUSES } from "./case-machine";

const Text = (max: number) => z.string().trim().min(1).max(max);
const ZDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD");

export const ZCaseListQuery = z.object({
  status: z.enum([...CASE_STATUSES, "active", "all"]).default("active"),
  reason: z.enum(CASE_REASONS).optional(),
  region: z
    .string()
    .regex(/^\d{2,6}$/)
    .optional(),
  /** me | unassigned | any */
  assigned: z.enum(["me", "unassigned", "any"]).default("any"),
  /** others: leave out the caller's own proposals (what she may approve under four eyes). */
  proposer: z.enum(["any", "others"]).default("any"),
  /** age: oldest first; amount: highest monthly pension first. */
  sort: z.enum(["age", "amount"]).default("age"),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type TCaseListQuery = z.infer<typeof ZCaseListQuery>;

export const ZVersionBody = z.object({ version: z.number().int().min(1) });
export const ZAssignBody = ZVersionBody.extend({
  /** Who works the case: a user in the case's region; omitted = the caller; null = nobody. */
  userId: z.uuid().nullable().optional(),
});
export const ZNoteBody = z.object({ body: Text(4000) });
export const EVIDENCE_TYPES = ["death_certificate", "hospital_record", "household_registration", "court_record", "bank_record", "other"] as const;
export const ZEvidenceBody = z.object({
  type: z.enum(EVIDENCE_TYPES),
  /** The document's own number (certificate no., court file no., …). */
  reference: Text(200),
  issuedBy: Text(200).optional(),
  issuedOn: ZDate.optional(),
  body: Text(4000).optional(),
});
export const ZInPersonCheckBody = z.object({
  result: z.enum(["passed", "failed"]),
  /** When the pensioner was seen (ISO 8601); not in the future. */
  at: z.iso.datetime({ offset: true }),
  /** Where: the service hall, the home visit address, … */
  place: Text(200),
  body: Text(4000).optional(),
});
export const ZManualInterventionBody = z.object({
  set: z.enum(["alive", "deceased"]),
  at: z.iso.datetime({ offset: true }),
  /** Why the model is overridden: required. */
  body: Text(4000),
});
export const ZProposalBody = ZVersionBody.extend({
  outcome: z.enum(CASE_OUTCOMES),
  note: Text(4000),
  /** For `terminate`: the day the death was officially certified, if known (ends the savings count). */
  deathCertifiedOn: ZDate.optional(),
});
export const ZDecisionBody = ZVersionBody.extend({ note: Text(4000).optional() });
export const ZAppealBody = ZVersionBody.extend({ note: Text(4000), receivedOn: ZDate });

const ZUserRef = z.object({ id: z.string(), displayName: z.string() });

export const ZCaseListItem = z.object({
  id: z.string(),
  pensionerId: z.string(),
  pensionerName: z.string(),
  /** 5201**********1234 */
  idMasked: z.string(),
  regionCode: z.string(),
  regionName: z.string(),
  reason: z.enum(CASE_REASONS),
  status: z.enum(CASE_STATUSES),
  period: z.string(),
  openedAt: z.string(),
  ageDays: z.number().int(),
  /** The amount at stake each month. */
  monthlyPensionFen: z.string(),
  paymentStatus: z.enum(["active", "suspended", "terminated"]),
  assignedTo: ZUserRef.nullable(),
  proposedOutcome: z.enum(CASE_OUTCOMES).nullable(),
  proposedBy: ZUserRef.nullable(),
  outcome: z.enum(CASE_OUTCOMES).nullable(),
  version: z.number().int(),
});
export const ZCaseList = z.object({
  items: z.array(ZCaseListItem),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const ZCaseEvent = z.object({
  id: z.string(),
  kind: z.string(),
  actor: ZUserRef.nullable(),
  body: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  at: z.string(),
});

export const ZCaseDetail = ZCaseListItem.extend({
  detail: z.record(z.string(), z.unknown()),
  proposedAt: z.string().nullable(),
  proposalNote: z.string().nullable(),
  deathCertifiedOn: z.string().nullable(),
  decidedBy: ZUserRef.nullable(),
  decidedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  reopenCount: z.number().int(),
  /** The payment stop in force (or the last one), and arrears owed when it was lifted. */
  hold: z
    .object({
      id: z.string(),
      kind: z.enum(["suspended", "terminated"]),
      cause: z.enum(["deceased", "unverified", "sentenced"]),
      monthlyFen: z.string(),
      startPeriod: z.string(),
      savingsEndPeriod: z.string().nullable(),
      liftedPeriod: z.string().nullable(),
    })
    .nullable(),
  arrears: z.array(z.object({ period: z.string(), amountFen: z.string(), duePeriod: z.string() })),
  events: z.array(ZCaseEvent),
  /** Moves the caller may make now (from lib/domain/case-machine decideMove), for the buttons. */
  allowedMoves: z.array(z.string()),
  /** Outcomes the caller may propose now. */
  allowedOutcomes: z.array(z.enum(CASE_OUTCOMES)),
});
export type TCaseListItem = z.infer<typeof ZCaseListItem>;
export type TCaseList = z.infer<typeof ZCaseList>;
export type TCaseDetail = z.infer<typeof ZCaseDetail>;
export type TCaseEvent = z.infer<typeof ZCaseEvent>;
