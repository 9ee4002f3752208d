import { sc, wallet } from "@cityofzion/neon-js";
import { describe, expect, it } from "vitest";
import { buildSettlementScript, decodeVmInteger, readSettlementScript, runScript, ScriptError, ScriptFault, toScriptHash } from "./neo-script";

const TKY = "0x" + "ab".repeat(20);
const bureau = new wallet.Account("1".repeat(64));
const operator = new wallet.Account("2".repeat(64));
const provider = new wallet.Account("3".repeat(64));
const data = { kind: "fee-batch", recordId: "9b2e6f0e-1c1f-4c55-8f0e-3b1d5c2a7e10", payloadHash: "c0ffee".padEnd(64, "0") };

describe("settlement scripts", () => {
  it("round-trips transfers, amounts beyond 2^53 and the data argument", () => {
    const big = 2n ** 70n + 12345n;
    const script = buildSettlementScript({
      contractHash: TKY,
      from: bureau.address,
      transfers: [
        { to: operator.address, amount: big },
        { to: provider.scriptHash, amount: 1n },
      ],
      data,
    });
    const transfers = readSettlementScript(script, TKY);
    expect(transfers).toEqual([
      { from: bureau.scriptHash, to: operator.scriptHash, amount: big, data },
      { from: bureau.scriptHash, to: provider.scriptHash, amount: 1n, data },
    ]);
  });

  it("asserts each transfer's result, so a false return FAULTs the whole script", () => {
    const script = buildSettlementScript({ contractHash: TKY, from: bureau.address, transfers: [{ to: operator.address, amount: 5n }], data });
    expect(script.endsWith(sc.OpCode.ASSERT.toString(16))).toBe(true);
    expect(() => runScript(script, () => ({ type: "Boolean", value: false }))).toThrow(ScriptFault);
    expect(runScript(script, () => ({ type: "Boolean", value: true }))).toHaveLength(1);
  });

  it("refuses calls to another contract or methods other than transfer", () => {
    const other = buildSettlementScript({ contractHash: "0x" + "cd".repeat(20), from: bureau.address, transfers: [{ to: operator.address, amount: 5n }], data });
    expect(() => readSettlementScript(other, TKY)).toThrow(ScriptError);
    const burn = new sc.ScriptBuilder().emitAppCall(TKY.slice(2), "burn", [sc.ContractParam.integer(5)]).build();
    expect(() => readSettlementScript(burn, TKY)).toThrow(ScriptError);
    // An opcode outside the straight-line subset (JMP) is refused rather than guessed at.
    expect(() => runScript("2200")).toThrow(ScriptError);
  });

  it("refuses bad amounts and payload hashes when building", () => {
    expect(() => buildSettlementScript({ contractHash: TKY, from: bureau.address, transfers: [{ to: operator.address, amount: 0n }], data })).toThrow();
    expect(() => buildSettlementScript({ contractHash: TKY, from: bureau.address, transfers: [], data })).toThrow();
    expect(() => buildSettlementScript({ contractHash: TKY, from: bureau.address, transfers: [{ to: operator.address, amount: 1n }], data: { ...data, payloadHash: "XYZ" } })).toThrow();
  });

  it("decodes NeoVM integers as little-endian two's complement", () => {
    expect(decodeVmInteger("ff")).toBe(-1n);
    expect(decodeVmInteger("ff00")).toBe(255n);
    expect(decodeVmInteger("0080")).toBe(-32768n);
    expect(decodeVmInteger("")).toBe(0n);
  });

  it("accepts addresses, script hashes and 0x hashes alike", () => {
    expect(toScriptHash(bureau.address)).toBe(bureau.scriptHash);
    expect(toScriptHash(`0x${bureau.scriptHash}`)).toBe(bureau.scriptHash);
    expect(() => toScriptHash("not-an-address")).toThrow();
  });
});
