import { z } from "zod";
import { ZEvidence, ZPeriod, ZSurvivalState } from "./survival-model";

// The BDMI API, version 1: the one definition of every request and response body, used by the
// reference service to parse what it receives and by the platform's client to parse what it gets
// back. The OpenAPI document the service serves is generated from these schemas.

export const BDMI_API_VERSION = "v1";
export const MAX_ASSESSMENT_BATCH = 5000;
export const MAX_FEED_ITEMS = 500_000;
export const TKY_DECIMALS = 8;
export const MAX_SUBJECTS_PER_REQUEST = 50_000;

/** TKY amounts travel as decimal strings of base units (1 TKY = 10^8), never as floats. */
export const ZBaseUnits = z
  .string()
  .regex(/^(0|[1-9]\d{0,30})$/, "an amount in TKY base units, as a decimal string")
  .meta({ description: "TKY base units (8 decimals) as a decimal string", example: "300000000" });

export const ZNationalIdWire = z.string().regex(/^\d{17}[\dX]$/, "18 characters: 17 digits and a check digit or X");

export const ZFeeShare = z.object({
  payee: z.enum(["platform", "data-providers"]),
  amount: ZBaseUnits,
});

export const ZFeeSchedule = z.object({
  version: z.string(),
  currency: z.literal("TKY"),
  decimals: z.literal(TKY_DECIMALS),
  effectiveFrom: z.iso.datetime({ offset: true }),
  assessment: z.object({ amount: ZBaseUnits, shares: z.array(ZFeeShare) }),
});
export type TFeeSchedule = z.infer<typeof ZFeeSchedule>;

export const ZAssessmentItem = z.object({
  /** The caller's own reference (the platform's pensioner id), echoed in the result. */
  ref: z.string().min(1).max(64),
  nationalId: ZNationalIdWire,
  /** The caller keeps the history: the previous period's state, or null for a first assessment. */
  previous: ZSurvivalState.nullable(),
});

export const ZAssessmentRequest = z.object({
  period: ZPeriod,
  /** A repeated key is not charged again: a retry after a lost response costs nothing. */
  idempotencyKey: z.string().min(8).max(200),
  items: z.array(ZAssessmentItem).min(1).max(MAX_ASSESSMENT_BATCH),
});
export type TAssessmentRequest = z.infer<typeof ZAssessmentRequest>;

export const ZAssessmentResult = z.object({
  ref: z.string(),
  state: ZSurvivalState,
  modelVersion: z.string(),
  /** Ids of the evidence items the model saw for this pensioner and period. */
  evidenceRefs: z.array(z.string()),
  ignoredUnknown: z.number().int().min(0),
  ignoredSourceErrors: z.number().int().min(0),
});
export type TAssessmentResult = z.infer<typeof ZAssessmentResult>;

export const ZAssessmentError = z.object({ ref: z.string(), error: z.string() });

export const ZFeeCharge = z.object({
  scheduleVersion: z.string(),
  count: z.number().int().min(0),
  perAssessment: ZBaseUnits,
  total: ZBaseUnits,
  shares: z.array(ZFeeShare),
});
export type TFeeCharge = z.infer<typeof ZFeeCharge>;

export const ZAssessmentResponse = z.object({
  callId: z.string(),
  period: ZPeriod,
  modelVersion: z.string(),
  /** True when the idempotency key was seen before: results are recomputed, the fee is not charged again. */
  replayed: z.boolean(),
  fee: ZFeeCharge,
  results: z.array(ZAssessmentResult),
  errors: z.array(ZAssessmentError),
});
export type TAssessmentResponse = z.infer<typeof ZAssessmentResponse>;

/** One line of an evidence feed: an item of survival-model.md plus whose it is. */
export const ZFeedItem = ZEvidence.extend({
  nationalId: ZNationalIdWire,
  /** The source's own record id, if it has one. */
  sourceRef: z.string().max(100).optional(),
});
export type TFeedItem = z.infer<typeof ZFeedItem>;

export const ZFeedQuery = z.object({
  feedId: z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, "1-100 letters, digits or . _ : -"),
});

export const ZFeedRejection = z.object({ line: z.number().int(), field: z.string(), reason: z.string() });

export const ZFeedReport = z.object({
  feedId: z.string(),
  /** True when this feed id was loaded before: nothing was loaded again, this is the first report. */
  replayed: z.boolean(),
  received: z.number().int(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  /** Items with a source/item code the model does not know: stored, but the model ignores them. */
  unknownCodes: z.number().int(),
  /** Valid items for national IDs BDMI has no subject for (not on any agency's roll): ignored. */
  notEnrolled: z.number().int(),
  /** The first rejections (at most 1,000), line by line. */
  rejections: z.array(ZFeedRejection),
});
export type TFeedReport = z.infer<typeof ZFeedReport>;

/** The agency's roll as BDMI knows it: evidence is kept only for enrolled subjects. */
export const ZSubjectsRequest = z.object({
  nationalIds: z.array(ZNationalIdWire).min(1).max(MAX_SUBJECTS_PER_REQUEST),
});
export const ZSubjectsResponse = z.object({ received: z.number().int(), added: z.number().int() });

/** The month (YYYY-MM) an evidence timestamp belongs to, in China Standard Time (UTC+8, no DST). */
export function periodOfInstant(at: string | Date): string {
  const ms = (typeof at === "string" ? Date.parse(at) : at.getTime()) + 8 * 3600_000;
  return new Date(ms).toISOString().slice(0, 7);
}

/** Display TKY base units as a decimal TKY amount without going through floating point. */
export function formatTky(baseUnits: bigint | string): string {
  const v = BigInt(baseUnits);
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const whole = abs / 10n ** BigInt(TKY_DECIMALS);
  const frac = (abs % 10n ** BigInt(TKY_DECIMALS)).toString().padStart(TKY_DECIMALS, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${whole}${frac ? `.${frac}` : ""}`;
}
