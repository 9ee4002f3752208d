import type { TChallengeStep } from "./kiosk-contract";

// Turns a stream of Human face results into challenge progress. Pure, so it is unit-tested with
// made-up numbers (kiosk-challenge.test.ts) and the browser only feeds it.

/** What the page takes from one Human result. */
export type TFaceSample = {
  /** ms since the challenge was shown */
  atMs: number;
  faces: number;
  /** face.rotation.angle.yaw in radians, or null without a mesh */
  yaw: number | null;
  /** eye openness: lid gap over eye-region height, as Human's "blink" gesture measures it (< 0.2 = closed) */
  eyeOpen: number | null;
};

export type TChallengeHint = "ok" | "no-face" | "two-faces";

/**
 * Human reports a NEGATIVE yaw when the face turns towards the image's right, which is the
 * person's own left in an un-mirrored camera (measured on the warped test video; see
 * scripts/make-test-videos.ts). The prompt "turn left" means the person's left.
 */
const YAW_SIGN: Record<"turn-left" | "turn-right", number> = { "turn-left": -1, "turn-right": 1 };
/** About 10°: a deliberate turn an elderly person can manage without leaving the frame. */
export const TURN_RADIANS = 0.17;
/** A closed eye: Human's own gesture threshold, or well below this person's open eyes. */
const CLOSED_ABSOLUTE = 0.22;
const CLOSED_RELATIVE = 0.65;
/** A blink longer than this is eyes held shut, not a blink (and resets). */
const MAX_CLOSED_MS = 2500;

export class ChallengeTracker {
  private index = 0;
  private openBaseline: number | null = null;
  private closedAt: number | null = null;
  /** After eyes held shut too long, they must be seen open again before a new blink can start. */
  private needOpen = false;
  private yawBaseline: number | null = null;
  private yawSamples: number[] = [];
  private turnedFrames = 0;
  readonly transcript: { step: TChallengeStep; atMs: number }[] = [];

  constructor(readonly steps: readonly TChallengeStep[]) {}

  get current(): TChallengeStep | null {
    return this.steps[this.index] ?? null;
  }

  get done(): boolean {
    return this.index >= this.steps.length;
  }

  /** Feeds one result; returns what to tell the person about the framing. */
  push(s: TFaceSample): TChallengeHint {
    const { yaw, eyeOpen } = s;
    if (s.faces === 0 || yaw === null || eyeOpen === null) {
      // Losing the face mid-blink must not count as a blink.
      this.closedAt = null;
      this.turnedFrames = 0;
      return "no-face";
    }
    // Nothing counts while a second face is in view: a helper's face must not complete a step.
    if (s.faces > 1) {
      this.closedAt = null;
      this.turnedFrames = 0;
      return "two-faces";
    }
    this.trackYawBaseline(yaw);
    const step = this.current;
    if (step === "blink") this.trackBlink(s.atMs, eyeOpen);
    else if (step === "turn-left" || step === "turn-right") this.trackTurn(step, s.atMs, yaw);
    if (step !== "blink") this.trackOpenBaseline(eyeOpen);
    return "ok";
  }

  private complete(step: TChallengeStep, atMs: number) {
    this.transcript.push({ step, atMs: Math.max(0, Math.round(atMs)) });
    this.index++;
    this.turnedFrames = 0;
    this.closedAt = null;
  }

  private trackOpenBaseline(open: number) {
    if (this.openBaseline === null) this.openBaseline = open;
    else if (open > this.openBaseline * 0.8) this.openBaseline = this.openBaseline * 0.9 + open * 0.1;
  }

  private trackBlink(atMs: number, eyeOpen: number) {
    const base = this.openBaseline;
    const closed = eyeOpen < CLOSED_ABSOLUTE || (base !== null && eyeOpen < base * CLOSED_RELATIVE);
    if (this.closedAt === null) {
      // The eyes must be seen open first, so a face that arrives with eyes shut does not count.
      if (closed && base !== null && !this.needOpen) this.closedAt = atMs;
      else if (!closed) {
        this.needOpen = false;
        this.trackOpenBaseline(eyeOpen);
      }
      return;
    }
    if (atMs - this.closedAt > MAX_CLOSED_MS) {
      this.closedAt = null;
      this.needOpen = true;
      return;
    }
    const reopened = base !== null && eyeOpen > Math.max(CLOSED_ABSOLUTE, base * 0.8);
    if (reopened) this.complete("blink", atMs);
  }

  /** The yaw of this person's "straight ahead" (the camera may sit off-axis): median of the first frontal samples. */
  private trackYawBaseline(yaw: number) {
    if (this.yawBaseline !== null) return;
    this.yawSamples.push(yaw);
    if (this.yawSamples.length >= 5) {
      const sorted = [...this.yawSamples].sort((a, b) => a - b);
      this.yawBaseline = sorted[2] ?? yaw;
    }
  }

  private trackTurn(step: "turn-left" | "turn-right", atMs: number, yaw: number) {
    if (this.yawBaseline === null) return;
    const turned = YAW_SIGN[step] * (yaw - this.yawBaseline) > TURN_RADIANS;
    // Two results in a row, so one bad mesh does not complete the step.
    this.turnedFrames = turned ? this.turnedFrames + 1 : 0;
    if (this.turnedFrames >= 2) this.complete(step, atMs);
  }
}

/** Eye openness from Human's 468-point mesh, both eyes averaged (same landmarks as its blink gesture). */
export function eyeOpenness(mesh: readonly (readonly number[])[]): number | null {
  if (!mesh || mesh.length <= 450) return null;
  const y = (i: number) => mesh[i]?.[1] ?? Number.NaN;
  const ratio = (a: number, b: number, c: number, d: number) => {
    const h = Math.abs(y(c) - y(d));
    const r = Math.abs(y(a) - y(b)) / h;
    return h > 0 && Number.isFinite(r) ? r : null;
  };
  const left = ratio(374, 386, 443, 450);
  const right = ratio(145, 159, 223, 230);
  if (left === null || right === null) return null;
  return (left + right) / 2;
}
