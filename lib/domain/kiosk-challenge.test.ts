import { describe, expect, it } from "vitest";
import { ChallengeTracker, eyeOpenness, type TFaceSample } from "./kiosk-challenge";

const frontal = (atMs: number, over: Partial<TFaceSample> = {}): TFaceSample => ({ atMs, faces: 1, yaw: 0.02, eyeOpen: 0.36, ...over });
function feed(t: ChallengeTracker, samples: TFaceSample[]) {
  return samples.map((s) => t.push(s));
}
const still = (from: number, n: number, over: Partial<TFaceSample> = {}) => Array.from({ length: n }, (_, i) => frontal(from + i * 100, over));

describe("ChallengeTracker", () => {
  it("completes blink then turn-left, with times", () => {
    const t = new ChallengeTracker(["blink", "turn-left"]);
    feed(t, still(0, 6));
    feed(t, [frontal(700, { eyeOpen: 0.16 }), frontal(800, { eyeOpen: 0.17 }), frontal(900, { eyeOpen: 0.35 })]);
    expect(t.current).toBe("turn-left");
    feed(t, [frontal(1500, { yaw: -0.1 }), frontal(1600, { yaw: -0.2 }), frontal(1700, { yaw: -0.21 })]);
    expect(t.done).toBe(true);
    expect(t.transcript).toEqual([{ step: "blink", atMs: 900 }, { step: "turn-left", atMs: 1700 }]);
  });

  it("a still photo never completes anything", () => {
    const t = new ChallengeTracker(["blink", "turn-right"]);
    feed(t, still(0, 600));
    expect(t.transcript).toEqual([]);
  });

  it("turning the wrong way does not count", () => {
    const t = new ChallengeTracker(["blink", "turn-right"]);
    feed(t, [...still(0, 6), frontal(700, { eyeOpen: 0.1 }), frontal(800)]);
    feed(t, still(900, 5, { yaw: -0.3 }));
    expect(t.current).toBe("turn-right");
    feed(t, still(1500, 2, { yaw: 0.3 }));
    expect(t.done).toBe(true);
  });

  it("a turn before the blink does not count for the later turn step", () => {
    const t = new ChallengeTracker(["blink", "turn-left"]);
    feed(t, [...still(0, 6), ...still(600, 3, { yaw: -0.3 })]);
    expect(t.current).toBe("blink");
  });

  it("a second face or a lost face stops progress and says why", () => {
    const t = new ChallengeTracker(["blink", "turn-left"]);
    feed(t, still(0, 6));
    expect(t.push(frontal(700, { eyeOpen: 0.1 }))).toBe("ok");
    expect(t.push(frontal(800, { faces: 2 }))).toBe("two-faces");
    expect(t.push(frontal(900))).toBe("ok");
    expect(t.current).toBe("blink");
    expect(t.push(frontal(1000, { faces: 0, yaw: null, eyeOpen: null }))).toBe("no-face");
  });

  it("eyes held shut are not a blink", () => {
    const t = new ChallengeTracker(["blink", "turn-left"]);
    feed(t, [...still(0, 6), ...still(600, 30, { eyeOpen: 0.1 }), frontal(3700)]);
    expect(t.current).toBe("blink");
  });

  it("measures the yaw from this person's own straight-ahead", () => {
    const t = new ChallengeTracker(["blink", "turn-right"]);
    // A camera off to one side: "straight ahead" reads as yaw 0.25.
    feed(t, [...still(0, 6, { yaw: 0.25 }), frontal(700, { yaw: 0.25, eyeOpen: 0.1 }), frontal(800, { yaw: 0.25 })]);
    feed(t, still(900, 3, { yaw: 0.3 }));
    expect(t.current).toBe("turn-right");
    feed(t, still(1300, 2, { yaw: 0.45 }));
    expect(t.done).toBe(true);
  });
});

describe("eyeOpenness", () => {
  it("is null without a full mesh and the lid gap over the eye region otherwise", () => {
    expect(eyeOpenness([])).toBeNull();
    const mesh = Array.from({ length: 468 }, () => [0, 0, 0]);
    for (const [i, y] of [[374, 10], [386, 14], [443, 0], [450, 20], [145, 10], [159, 12], [223, 0], [230, 20]] as const) mesh[i] = [0, y, 0];
    expect(eyeOpenness(mesh)).toBeCloseTo((4 / 20 + 2 / 20) / 2);
  });
});
