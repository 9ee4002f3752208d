import { describe, expect, it } from "vitest";
import { passwordProblems } from "./password-policy";
import { checkTotp, looksLikeRecoveryCode, newOneTimePassword, newRecoveryCodes, newTotpSecret, totpCode, totpUri } from "./second-factor";

describe("TOTP (RFC 6238)", () => {
  it("matches the RFC 6238 test vector (SHA-1, secret 12345678901234567890)", async () => {
    // Appendix B: T = 59 s gives 94287082 (8 digits); the 6-digit code is its last six.
    const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    expect(await totpCode(secret, 59)).toBe("287082");
    expect(await totpCode(secret, 1111111109)).toBe("081804");
  });

  it("accepts a code once: the step it was used for and earlier ones are refused", async () => {
    const secret = newTotpSecret();
    const now = 1_800_000_000;
    const code = await totpCode(secret, now);
    const step = await checkTotp(secret, code, null, now);
    expect(step).toBe(BigInt(Math.floor(now / 30)));
    expect(await checkTotp(secret, code, step, now)).toBeNull();
    expect(await checkTotp(secret, await totpCode(secret, now - 30), step, now)).toBeNull();
    expect(await checkTotp(secret, await totpCode(secret, now + 30), step, now)).toBe(step! + 1n);
  });

  it("refuses a code from another secret, a stale code and junk", async () => {
    const secret = newTotpSecret();
    const now = 1_800_000_000;
    expect(await checkTotp(newTotpSecret(), await totpCode(secret, now), null, now)).toBeNull();
    expect(await checkTotp(secret, await totpCode(secret, now - 120), null, now)).toBeNull();
    expect(await checkTotp(secret, "12345a", null, now)).toBeNull();
    expect(await checkTotp(secret, "", null, now)).toBeNull();
  });

  it("names the issuer and the account in the otpauth URI", () => {
    expect(totpUri("JBSWY3DPEHPK3PXP", "wang@hrss.example")).toMatch(/^otpauth:\/\/totp\/.*wang%40hrss\.example.*secret=JBSWY3DPEHPK3PXP/);
  });

  it("makes ten distinct recovery codes and a one-time password the policy accepts", () => {
    const codes = newRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(looksLikeRecoveryCode(c)).toBe(true);
    expect(looksLikeRecoveryCode("123456")).toBe(false);
    expect(passwordProblems(newOneTimePassword(), { username: "x" })).toEqual([]);
  });
});
