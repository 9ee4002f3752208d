import { describe, expect, it } from "vitest";
import { throttleDecision, waitSeconds } from "./throttle";

const now = new Date("2026-12-03T08:00:00Z");
const ago = (s: number) => new Date(now.getTime() - s * 1000);
const o = { freePerAccount: 5, freePerAddress: 30, maxDelaySeconds: 900, now };

describe("sign-in throttle", () => {
  it("lets the free failures through, then doubles the wait up to the maximum", () => {
    expect(waitSeconds({ count: 4, last: now }, 5, 900, now)).toBe(0);
    expect(waitSeconds({ count: 5, last: now }, 5, 900, now)).toBe(1);
    expect(waitSeconds({ count: 8, last: now }, 5, 900, now)).toBe(8);
    expect(waitSeconds({ count: 40, last: now }, 5, 900, now)).toBe(900);
    expect(waitSeconds({ count: 8, last: ago(5) }, 5, 900, now)).toBe(3);
    expect(waitSeconds({ count: 8, last: ago(9) }, 5, 900, now)).toBe(0);
  });

  const none = { count: 0, last: null };
  it("holds back an address that failed on an account under attack", () => {
    expect(throttleDecision({ count: 20, last: ago(1) }, { count: 1, last: ago(1) }, { count: 1, last: ago(1) }, o)).toEqual({ allowed: false, retryAfterSeconds: 899 });
  });

  it("lets the owner in from an address that has not failed on her account, even one that failed on another", () => {
    expect(throttleDecision({ count: 20, last: ago(1) }, none, none, o)).toEqual({ allowed: true });
    expect(throttleDecision({ count: 20, last: ago(1) }, { count: 3, last: ago(1) }, none, o)).toEqual({ allowed: true });
  });

  it("holds back an address past its own allowance, whatever the account", () => {
    expect(throttleDecision(none, { count: 31, last: ago(1) }, none, o)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it("treats an unknown address as one that failed", () => {
    expect(throttleDecision({ count: 6, last: ago(0) }, null, null, o)).toEqual({ allowed: false, retryAfterSeconds: 2 });
  });
});
