import { describe, expect, it } from "vitest";
import { decideLiveness, transcriptProblems, type TDecisionInput } from "./liveness-decision";

const th = { match: 0.7, review: 0.6, liveness: 0.5, antispoof: 0.3 };
const frame = { faces: 1, similarity: 0.82, live: 0.95, real: 0.7 };
const base: TDecisionInput = {
  frames: [frame, frame],
  staticFrames: false,
  steps: ["blink", "turn-right"],
  limitMs: 60_000,
  transcript: [
    { step: "blink", atMs: 900 },
    { step: "turn-right", atMs: 2600 },
  ],
  clientSimilarity: 0.93,
};

describe("decideLiveness", () => {
  it("passes a good match with plausible timing", () => {
    expect(decideLiveness(base, th)).toEqual({ decision: "pass", reasons: [], similarity: 0.82, liveness: 0.95, antispoof: 0.7 });
  });

  it("takes the lowest similarity of the frames: weak → review, below review → fail", () => {
    expect(decideLiveness({ ...base, frames: [frame, { ...frame, similarity: 0.65 }] }, th)).toMatchObject({ decision: "review", reasons: ["weak-match"], similarity: 0.65 });
    expect(decideLiveness({ ...base, frames: [frame, { ...frame, similarity: 0.4 }] }, th)).toMatchObject({ decision: "fail", reasons: ["no-match"] });
  });

  it("fails a frame without a face or with two, whatever else matched", () => {
    expect(decideLiveness({ ...base, frames: [frame, { faces: 0, similarity: null, live: null, real: null }] }, th).reasons).toEqual(["no-face"]);
    const two = decideLiveness({ ...base, frames: [{ faces: 2, similarity: null, live: null, real: null }, frame] }, th);
    expect(two).toMatchObject({ decision: "fail", reasons: ["two-faces"] });
  });

  it("reviews low liveness, low anti-spoof and a browser embedding unlike the service's; fails a clear spoof and static frames", () => {
    expect(decideLiveness({ ...base, frames: [{ ...frame, live: 0.2 }, { ...frame, live: 0.3 }] }, th)).toMatchObject({ decision: "review", reasons: ["not-live"] });
    expect(decideLiveness({ ...base, frames: [{ ...frame, real: 0.2 }, { ...frame, real: 0.2 }] }, th)).toMatchObject({ decision: "review", reasons: ["antispoof-low"] });
    expect(decideLiveness({ ...base, frames: [{ ...frame, real: 0.05 }, { ...frame, real: 0.1 }] }, th)).toMatchObject({ decision: "fail", reasons: ["spoof"] });
    expect(decideLiveness({ ...base, clientSimilarity: 0.1 }, th)).toMatchObject({ decision: "review", reasons: ["client-mismatch"] });
    expect(decideLiveness({ ...base, staticFrames: true }, th)).toMatchObject({ decision: "fail", reasons: ["static-frames"] });
  });
});

describe("transcriptProblems", () => {
  const steps = ["blink", "turn-left"] as const;
  it("accepts the steps in order with human gaps", () => {
    expect(transcriptProblems(steps, 60_000, [{ step: "blink", atMs: 700 }, { step: "turn-left", atMs: 1900 }])).toEqual([]);
  });
  it("refuses missing, reordered and extra steps", () => {
    expect(transcriptProblems(steps, 60_000, [{ step: "blink", atMs: 700 }])).toContain("challenge-incomplete");
    expect(transcriptProblems(steps, 60_000, [{ step: "turn-left", atMs: 700 }, { step: "blink", atMs: 1900 }])).toContain("challenge-order");
    expect(transcriptProblems(steps, 60_000, [{ step: "blink", atMs: 700 }, { step: "turn-left", atMs: 1900 }, { step: "turn-right", atMs: 3000 }])).toContain("challenge-order");
    expect(transcriptProblems(steps, 60_000, [{ step: "blink", atMs: 1900 }, { step: "turn-left", atMs: 700 }])).toContain("challenge-order");
  });
  it("refuses superhuman timing and a transcript past the limit", () => {
    expect(transcriptProblems(steps, 60_000, [{ step: "blink", atMs: 20 }, { step: "turn-left", atMs: 120 }])).toContain("implausible-timing");
    expect(transcriptProblems(steps, 60_000, [{ step: "blink", atMs: 900 }, { step: "turn-left", atMs: 960 }])).toContain("implausible-timing");
    expect(transcriptProblems(steps, 10_000, [{ step: "blink", atMs: 900 }, { step: "turn-left", atMs: 12_000 }])).toEqual(["too-slow"]);
  });
});
