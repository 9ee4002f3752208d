import { afterEach, describe, expect, it, vi } from "vitest";
import { log } from "../log";
import { runPeriodicLoop } from "./run-periodic-loop";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("runPeriodicLoop", () => {
  it("runs at once, again after the returned delay, at once on 0, after errorDelayMs on a throw; stop() cuts the sleep short", async () => {
    vi.useFakeTimers();
    const error = vi.spyOn(log, "error").mockImplementation(() => {});
    const plan: (number | Error)[] = [1000, 0, new Error("boom"), 1000];
    let passes = 0;
    const loop = runPeriodicLoop({
      failed: "pass failed",
      errorDelayMs: 5000,
      pass: async () => {
        const step = plan[passes++] ?? 1000;
        if (step instanceof Error) throw step;
        return step;
      },
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(passes).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(passes).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(passes).toBe(3); // the 1000 ms sleep, then the 0 ms pass ran the failing one at once
    expect(error).toHaveBeenCalledWith("pass failed", expect.objectContaining({ error: expect.stringContaining("boom") }));
    await vi.advanceTimersByTimeAsync(4999);
    expect(passes).toBe(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(passes).toBe(4);
    await loop.stop(); // asleep for 1000 ms: woken, no further pass
    expect(passes).toBe(4);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("stop() during a pass waits for it and does not sleep or run again", async () => {
    let finish!: () => void;
    let passes = 0;
    const loop = runPeriodicLoop({
      failed: "pass failed",
      errorDelayMs: 60_000,
      pass: () => {
        passes++;
        return new Promise<number>((r) => (finish = () => r(60_000)));
      },
    });
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(passes).toBe(1);
  });
});
