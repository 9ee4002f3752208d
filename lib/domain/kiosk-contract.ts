import { z } from "zod";

// The kiosk's API (app/api/v1/kiosk/*), shared by the kiosk page in the browser and the route
// handlers. A kiosk authenticates as a device (the httpOnly cookie set at enrolment, or the
// x-kiosk-token header); it can identify the one pensioner it serves, start their check and submit
// it. It never lists anything and never receives a full ID number.

export const CHALLENGE_STEPS = ["blink", "turn-left", "turn-right"] as const;
export const ZChallengeStep = z.enum(CHALLENGE_STEPS);
export type TChallengeStep = z.infer<typeof ZChallengeStep>;

/** Time a pensioner has for one try, and tries before "please see the counter". */
export const KIOSK_TRY_SECONDS = 60;
export const KIOSK_MAX_TRIES = 3;
export const KIOSK_RESET_SECONDS = 20;
export const MAX_FRAME_BYTES = 400_000;
export const EMBEDDING_LENGTH = 1024;

/** POST /api/v1/kiosk/enrol: a device exchanges its one-time enrolment code for its token (set as a cookie). */
export const ZKioskEnrol = z.object({ code: z.string().trim().min(6).max(64) });
export const ZKioskEnrolled = z.object({ deviceId: z.string(), name: z.string(), location: z.string(), regionCode: z.string() });

/** POST /api/v1/kiosk/identify: by the ID number typed on the keypad, or by the signed token in a notice's QR code. */
export const ZKioskIdentify = z.union([
  z.object({ nationalId: z.string().trim().toUpperCase().regex(/^\d{17}[\dX]$/) }),
  z.object({ qrToken: z.string().min(16).max(2000) }),
]);
export const ZKioskIdentified = z.object({
  /** The check to start; a short-lived handle, not the pensioner's id. */
  checkId: z.string(),
  /** e.g. "王*梅": enough for the pensioner to confirm it is them, no more. */
  maskedName: z.string(),
  dueOn: z.string(),
  triesLeft: z.number().int().min(0),
});

/** POST /api/v1/kiosk/checks/:checkId/start: after consent; returns a fresh randomised challenge. */
export const ZKioskStart = z.object({ consent: z.literal(true), locale: z.enum(["zh-CN", "en"]) });
export const ZKioskChallenge = z.object({
  challengeId: z.string(),
  steps: z.array(ZChallengeStep).min(2).max(3),
  expiresAt: z.string(),
});

/** POST /api/v1/kiosk/checks/:checkId/submit */
export const ZKioskSubmit = z.object({
  challengeId: z.string(),
  /** When each step was seen, in ms since the challenge was shown. */
  transcript: z.array(z.object({ step: ZChallengeStep, atMs: z.number().int().min(0).max(KIOSK_TRY_SECONDS * 1000) })).min(1).max(10),
  /** Human's scores in the browser (BDMI recomputes; these are never trusted alone). */
  liveness: z.number().min(0).max(1),
  antispoof: z.number().min(0).max(1),
  embedding: z.array(z.number()).length(EMBEDDING_LENGTH),
  /** Two or three JPEG frames, base64 (no data: prefix). */
  frames: z.array(z.string().max(Math.ceil((MAX_FRAME_BYTES * 4) / 3) + 4)).min(2).max(3),
});
export const ZKioskResult = z.object({
  decision: z.enum(["pass", "fail", "review"]),
  /** Stable codes the page turns into kind words, e.g. "no-face", "two-faces", "no-match", "spoof". */
  reasons: z.array(z.string()),
  triesLeft: z.number().int().min(0),
});
export type TKioskResult = z.infer<typeof ZKioskResult>;
