import type { TLivenessThresholds } from "../contract";

// The liveness decision as one pure function of what the service measured, so every rule is unit
// tested. Hard reasons fail the check; soft ones send it to an officer (review); none is a pass.

export type TStep = "blink" | "turn-left" | "turn-right";

export type TFrameMeasure = {
  /** Faces Human found in the frame. */
  faces: number;
  /** Of the one face, when there is exactly one. */
  similarity: number | null;
  live: number | null;
  real: number | null;
};

export type TDecisionInput = {
  frames: TFrameMeasure[];
  /** True when the frames are the same picture (byte for byte or pixel for pixel, near enough). */
  staticFrames: boolean;
  steps: readonly TStep[];
  limitMs: number;
  transcript: readonly { step: TStep; atMs: number }[];
  /** Cosine of the browser's embedding to the service's own, and the browser's scores. */
  clientSimilarity: number | null;
};

export type TDecision = {
  decision: "pass" | "fail" | "review";
  reasons: string[];
  similarity: number | null;
  liveness: number | null;
  antispoof: number | null;
};

/** No person sees a prompt and acts on it faster than this; nor do two steps follow closer. */
export const MIN_REACTION_MS = 150;
/** A whole challenge done within this is a replayed or scripted transcript. */
export const MIN_CHALLENGE_SPAN_MS = 200;
/** The browser's embedding must look like the service's of the same frames. */
export const MIN_CLIENT_SIMILARITY = 0.5;

const HARD = new Set(["no-face", "two-faces", "no-match", "spoof", "challenge-incomplete", "challenge-order", "implausible-timing", "too-slow", "static-frames"]);

/** Reasons the transcript is not a plausible human doing the challenge, in order. */
export function transcriptProblems(steps: readonly TStep[], limitMs: number, transcript: readonly { step: TStep; atMs: number }[]): string[] {
  const out: string[] = [];
  const seen = transcript.map((t) => t.step);
  let k = 0;
  for (const s of seen) if (k < steps.length && s === steps[k]) k++;
  if (k < steps.length) out.push(steps.every((s) => seen.includes(s)) ? "challenge-order" : "challenge-incomplete");
  else if (seen.length !== steps.length) out.push("challenge-order");
  for (let i = 1; i < transcript.length; i++) {
    if (transcript[i]!.atMs < transcript[i - 1]!.atMs) {
      if (!out.includes("challenge-order")) out.push("challenge-order");
      break;
    }
  }
  const times = transcript.map((t) => t.atMs);
  const first = Math.min(...times);
  const last = Math.max(...times);
  const gaps = transcript.slice(1).map((t, i) => t.atMs - transcript[i]!.atMs);
  if (first < MIN_REACTION_MS || last - first < MIN_CHALLENGE_SPAN_MS || gaps.some((g) => g >= 0 && g < MIN_REACTION_MS)) out.push("implausible-timing");
  if (last > limitMs) out.push("too-slow");
  return out;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const round = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);

export function decideLiveness(input: TDecisionInput, th: TLivenessThresholds): TDecision {
  const reasons: string[] = [];
  if (input.frames.some((f) => f.faces === 0)) reasons.push("no-face");
  if (input.frames.some((f) => f.faces > 1)) reasons.push("two-faces");
  const single = input.frames.filter((f) => f.faces === 1);
  const sims = single.map((f) => f.similarity ?? 0);
  const similarity = sims.length ? Math.min(...sims) : null;
  const liveness = mean(single.map((f) => f.live ?? 0));
  const antispoof = mean(single.map((f) => f.real ?? 0));
  if (similarity !== null) {
    if (similarity < th.review) reasons.push("no-match");
    else if (similarity < th.match) reasons.push("weak-match");
  }
  if (antispoof !== null) {
    if (antispoof < th.antispoof / 2) reasons.push("spoof");
    else if (antispoof < th.antispoof) reasons.push("antispoof-low");
  }
  if (liveness !== null && liveness < th.liveness) reasons.push("not-live");
  if (input.staticFrames) reasons.push("static-frames");
  reasons.push(...transcriptProblems(input.steps, input.limitMs, input.transcript));
  if (input.clientSimilarity !== null && input.clientSimilarity < MIN_CLIENT_SIMILARITY) reasons.push("client-mismatch");
  const decision = reasons.some((r) => HARD.has(r)) ? "fail" : reasons.length ? "review" : "pass";
  return { decision, reasons, similarity: round(similarity), liveness: round(liveness), antispoof: round(antispoof) };
}
