import { describe, expect, it } from "vitest";
import { canonicalIntent, chainHash, GENESIS_HASH, sha256Hex, validateIntent } from "./ledger-intent";
import type { TLedgerIntent } from "./ledger-adapter";

const intent = (over: Partial<TLedgerIntent> = {}): TLedgerIntent => ({
  idempotencyKey: "k",
  kind: "fee-batch",
  recordId: "r",
  payloadHash: sha256Hex("p"),
  postings: [
    { account: "bureau:52", amount: -300n },
    { account: "operator:thekey", amount: 200n },
    { account: "provider:data", amount: 100n },
  ],
  ...over,
});

describe("ledger intent", () => {
  it("accepts a balanced intent and renders it canonically, amounts as strings", () => {
    expect(() => validateIntent(intent())).not.toThrow();
    expect(canonicalIntent(intent())).toBe(
      `{"v":1,"key":"k","kind":"fee-batch","recordId":"r","payloadHash":"${sha256Hex("p")}","memo":null,"postings":[["bureau:52","-300"],["operator:thekey","200"],["provider:data","100"]]}`,
    );
  });

  it.each([
    ["unbalanced", { postings: [{ account: "a", amount: -3n }, { account: "b", amount: 2n }] }, "postings"],
    ["zero amount", { postings: [{ account: "a", amount: 0n }, { account: "b", amount: 0n }] }, "postings.0.amount"],
    ["one posting", { postings: [{ account: "a", amount: 1n }] }, "postings"],
    ["account twice", { postings: [{ account: "a", amount: -1n }, { account: "a", amount: 1n }] }, "postings.1.account"],
    ["out of range", { postings: [{ account: "a", amount: -(2n ** 63n) }, { account: "b", amount: 2n ** 63n }] }, "postings.0.amount"],
    ["no key", { idempotencyKey: "" }, "idempotencyKey"],
    ["bad payload hash", { payloadHash: "xyz" }, "payloadHash"],
  ])("refuses %s with a field path", (_name, over, path) => {
    try {
      validateIntent(intent(over as Partial<TLedgerIntent>));
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: "VALIDATION", status: 400 });
      expect((e as { fieldErrors: { path: string }[] }).fieldErrors.map((f) => f.path)).toContain(path);
    }
  });

  it("chains: the hash covers the previous hash, the height and the body", () => {
    const h1 = chainHash(GENESIS_HASH, 1n, "a");
    expect(h1).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash(GENESIS_HASH, 2n, "a")).not.toBe(h1);
    expect(chainHash(h1, 1n, "a")).not.toBe(h1);
    expect(chainHash(GENESIS_HASH, 1n, "b")).not.toBe(h1);
  });
});
