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

/** PostgreSQL text cannot hold U+0000: a string with one is refused here, not by the database (a 500). */
const NO_NUL: [RegExp, string] = [/^[^\u0000]*$/, "no NUL characters"];

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
  /** The fee of one liveness check (POST /v1/liveness-checks); absent from schedules before it existed. */
  liveness: z.object({ amount: ZBaseUnits, shares: z.array(ZFeeShare) }).optional(),
});
export type TFeeSchedule = z.infer<typeof ZFeeSchedule>;

export const ZAssessmentItem = z.object({
  /** The caller's own reference (the platform's pensioner id), echoed in the result. */
  ref: z.string().min(1).max(64).regex(...NO_NUL),
  nationalId: ZNationalIdWire,
  /** The caller keeps the history: the previous period's state, or null for a first assessment. */
  previous: ZSurvivalState.nullable(),
});

export const ZAssessmentRequest = z.object({
  period: ZPeriod,
  /** A repeated key is not charged again: a retry after a lost response costs nothing. */
  idempotencyKey: z.string().min(8).max(200).regex(...NO_NUL),
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
  source: ZEvidence.shape.source.regex(...NO_NUL),
  item: ZEvidence.shape.item.regex(...NO_NUL),
  nationalId: ZNationalIdWire,
  /** The source's own record id, if it has one. */
  sourceRef: z.string().max(100).regex(...NO_NUL).optional(),
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

// ---- Faces and liveness (the kiosk) ------------------------------------------------------------

/** A reference photo for face enrolment, and a kiosk frame: JPEG bytes, base64 without a data: prefix. */
export const MAX_LIVENESS_FRAME_BYTES = 400_000;
export const MAX_FACE_PHOTO_BYTES = 5 * MAX_LIVENESS_FRAME_BYTES;
export const FACE_EMBEDDING_LENGTH = 1024;
const base64Of = (maxBytes: number) =>
  z
    .string()
    .max(Math.ceil((maxBytes * 4) / 3) + 4, `at most ${maxBytes} bytes of JPEG`)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, "base64 (no data: prefix)");

/** POST /v1/faces: enrol (or replace) a subject's reference face template from a photo. BDMI keeps no image. */
export const ZFaceEnrolRequest = z.object({
  nationalId: ZNationalIdWire,
  photo: base64Of(MAX_FACE_PHOTO_BYTES),
});
export type TFaceEnrolRequest = z.infer<typeof ZFaceEnrolRequest>;
export const ZFaceEnrolResponse = z.object({
  enrolled: z.literal(true),
  /** True when a template existed and this photo replaced it. */
  replaced: z.boolean(),
  /** The embedding model the template was made with. */
  model: z.string(),
  /** Detector confidence of the face found (exactly one face is required). */
  faceScore: z.number(),
  enrolledAt: z.iso.datetime({ offset: true }),
});
export type TFaceEnrolResponse = z.infer<typeof ZFaceEnrolResponse>;

export const LIVENESS_STEPS = ["blink", "turn-left", "turn-right"] as const;
export const ZLivenessRequest = z.object({
  /** The caller's attempt id: a replay with the same key answers the first decision and is not charged again. */
  idempotencyKey: z.string().min(8).max(200).regex(...NO_NUL),
  nationalId: ZNationalIdWire,
  /** The period the evidence of a pass counts for. */
  period: ZPeriod,
  challenge: z.object({ steps: z.array(z.enum(LIVENESS_STEPS)).min(1).max(5), limitMs: z.number().int().min(1000).max(600_000) }),
  /** When the kiosk saw each step, in ms since the challenge was shown. */
  transcript: z.array(z.object({ step: z.enum(LIVENESS_STEPS), atMs: z.number().int().min(0).max(600_000) })).min(1).max(10),
  /** What the browser measured; BDMI recomputes and only compares. */
  client: z.object({
    liveness: z.number().min(0).max(1),
    antispoof: z.number().min(0).max(1),
    embedding: z.array(z.number()).length(FACE_EMBEDDING_LENGTH),
  }),
  frames: z.array(base64Of(MAX_LIVENESS_FRAME_BYTES)).min(1).max(3),
});
export type TLivenessRequest = z.infer<typeof ZLivenessRequest>;

export const ZLivenessThresholds = z.object({ match: z.number(), review: z.number(), liveness: z.number(), antispoof: z.number() });
export type TLivenessThresholds = z.infer<typeof ZLivenessThresholds>;

export const ZLivenessResponse = z.object({
  callId: z.string(),
  decisionId: z.string(),
  replayed: z.boolean(),
  decision: z.enum(["pass", "fail", "review"]),
  /** Stable codes: no-face, two-faces, no-match, weak-match, spoof, not-live, challenge-incomplete, challenge-order, implausible-timing, too-slow, static-frames, client-mismatch. */
  reasons: z.array(z.string()),
  scores: z.object({
    /** Faces found in each frame. */
    faces: z.array(z.number().int()),
    /** Lowest cosine similarity of a frame's face to the enrolled template. */
    similarity: z.number().nullable(),
    liveness: z.number().nullable(),
    antispoof: z.number().nullable(),
    /** Cosine similarity of the browser's embedding to BDMI's own of the same frames. */
    clientSimilarity: z.number().nullable(),
  }),
  /** The thresholds this decision used (configuration at the time). */
  thresholds: ZLivenessThresholds,
  model: z.string(),
  fee: ZFeeCharge,
  /** The 10/01 evidence item recorded for a pass. */
  evidenceId: z.string().nullable(),
  decidedAt: z.iso.datetime({ offset: true }),
});
export type TLivenessResponse = z.infer<typeof ZLivenessResponse>;

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
