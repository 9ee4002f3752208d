import { describe, expect, it } from "vitest";
import { decryptPii, encryptPii, piiHmac } from "./pii-crypto";

describe("ID number encryption", () => {
  it("round-trips and uses a fresh nonce each time", () => {
    const a = encryptPii("11010519491231002X");
    const b = encryptPii("11010519491231002X");
    expect(Buffer.from(a.cipher).equals(Buffer.from(b.cipher))).toBe(false);
    expect(decryptPii(a.cipher, a.keyVersion)).toBe("11010519491231002X");
  });
  it("never repeats a nonce, across pool refills", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) seen.add(Buffer.from(encryptPii("x").cipher.subarray(0, 12)).toString("hex"));
    expect(seen.size).toBe(10_000);
  });
  it("detects tampering", () => {
    const a = encryptPii("11010519491231002X");
    a.cipher[14]! ^= 1;
    expect(() => decryptPii(a.cipher, a.keyVersion)).toThrow();
  });
  it("refuses an unknown key version", () => {
    const a = encryptPii("x");
    expect(() => decryptPii(a.cipher, 999)).toThrow(/version 999/);
  });
  it("gives a stable HMAC for lookup", () => {
    expect(Buffer.from(piiHmac("a")).equals(Buffer.from(piiHmac("a")))).toBe(true);
    expect(Buffer.from(piiHmac("a")).equals(Buffer.from(piiHmac("b")))).toBe(false);
  });
});
