// NeoVM scripts of TKY settlements: building them (the adapter) and reading them back (verify()
// and the loopback peer). Pure code with no "server-only" guard on purpose: the loopback peer
// imports it and also runs as a plain tsx script, where that guard would throw.
import { sc, u, wallet } from "@cityofzion/neon-js";
// Types only: neon-js 5.9 exports its namespaces as values, their classes' types live in neon-core.
import type { sc as TSc } from "@cityofzion/neon-core";

/** Tag of the `data` argument, so a reader can tell our settlement records from other transfers. */
export const SETTLEMENT_DATA_TAG = "pension-fee/v1";

export type TNeoTransfer = { to: string /* script hash, big-endian hex */; amount: bigint };
export type TSettlementData = { kind: string; recordId: string; payloadHash: string };

/** Script hash (big-endian hex, no 0x) of an address, a script hash or a 0x-prefixed hash. */
export function toScriptHash(addressOrHash: string): string {
  const s = addressOrHash.startsWith("0x") ? addressOrHash.slice(2) : addressOrHash;
  if (wallet.isAddress(s)) return wallet.getScriptHashFromAddress(s);
  if (/^[0-9a-fA-F]{40}$/.test(s)) return s.toLowerCase();
  throw new Error(`not a NEO address or script hash: ${addressOrHash}`);
}

/**
 * The `data` argument of each transfer: [tag, kind, recordId, payloadHash bytes]. An array rather
 * than one string so that a contract or an indexer can read the record id without parsing text.
 */
export function settlementDataParam(d: TSettlementData): TSc.ContractParam {
  if (!/^[0-9a-f]{64}$/.test(d.payloadHash)) throw new Error("payloadHash must be 64 lowercase hex digits (SHA-256)");
  return sc.ContractParam.array(
    sc.ContractParam.string(SETTLEMENT_DATA_TAG),
    sc.ContractParam.string(d.kind),
    sc.ContractParam.string(d.recordId),
    // fromHex(…, true): the bytes as written; without it HexString reverses them on emit.
    sc.ContractParam.byteArray(u.HexString.fromHex(d.payloadHash, true)),
  );
}

/**
 * One script, one NEP-17 `transfer(from, to, amount, data)` per payee, each followed by ASSERT:
 * transfer returns false (rather than throwing) on a short balance, and without the ASSERT the
 * transaction would HALT having moved only part of the money.
 */
export function buildSettlementScript(p: {
  contractHash: string;
  from: string;
  transfers: TNeoTransfer[];
  data: TSettlementData;
}): string {
  if (p.transfers.length === 0) throw new Error("a settlement needs at least one transfer");
  const contract = toScriptHash(p.contractHash);
  const from = toScriptHash(p.from);
  const data = settlementDataParam(p.data);
  const sb = new sc.ScriptBuilder();
  for (const t of p.transfers) {
    if (t.amount <= 0n) throw new Error("transfer amounts must be positive");
    sb.emitAppCall(contract, "transfer", [
      sc.ContractParam.hash160(from),
      sc.ContractParam.hash160(toScriptHash(t.to)),
      sc.ContractParam.integer(t.amount.toString()),
      data,
    ]);
    sb.emit(sc.OpCode.ASSERT);
  }
  return sb.build();
}

// ---- Reading scripts back -------------------------------------------------------------------

export type TStackValue =
  | { type: "Integer"; value: bigint }
  | { type: "ByteString"; hex: string }
  | { type: "Boolean"; value: boolean }
  | { type: "Null" }
  | { type: "Array"; items: TStackValue[] }
  /** The result of a contract call the reader did not execute. */
  | { type: "Any" };

export type TContractCall = { contract: string; method: string; args: TStackValue[]; flags: number };

export class ScriptError extends Error {}
/** A FAULT while running a script (ASSERT on false, a throwing call). */
export class ScriptFault extends Error {}

/** Little-endian two's complement, as NeoVM stores integers. */
export function decodeVmInteger(leHex: string): bigint {
  if (leHex.length === 0) return 0n;
  const be = u.reverseHex(leHex);
  let v = BigInt(`0x${be}`);
  const bits = BigInt(be.length * 4);
  if (v >> (bits - 1n)) v -= 1n << bits;
  return v;
}

const O = sc.OpCode;
const PUSHINT = new Set<number>([O.PUSHINT8, O.PUSHINT16, O.PUSHINT32, O.PUSHINT64, O.PUSHINT128, O.PUSHINT256]);
const PUSHDATA = new Set<number>([O.PUSHDATA1, O.PUSHDATA2, O.PUSHDATA4]);

function truthy(v: TStackValue): boolean {
  switch (v.type) {
    case "Boolean":
      return v.value;
    case "Integer":
      return v.value !== 0n;
    case "ByteString":
      return /[1-9a-f]/i.test(v.hex);
    case "Null":
      return false;
    default:
      return true;
  }
}

/**
 * Runs the straight-line subset of NeoVM that settlement scripts use (pushes, PACK, SYSCALL
 * System.Contract.Call, ASSERT, DROP, NOP). `onCall` decides each call's result: the peer executes
 * the transfer, a reader returns "Any". Anything else is refused, so a script this code does not
 * fully understand is never taken for a settlement.
 */
export function runScript(scriptHex: string, onCall: (call: TContractCall) => TStackValue = () => ({ type: "Any" })): TContractCall[] {
  let tokens: TSc.OpToken[];
  try {
    tokens = sc.OpToken.fromScript(scriptHex);
  } catch (e) {
    throw new ScriptError(`unreadable script: ${(e as Error).message}`);
  }
  const stack: TStackValue[] = [];
  const calls: TContractCall[] = [];
  const pop = (): TStackValue => {
    const v = stack.pop();
    if (!v) throw new ScriptError("stack underflow");
    return v;
  };
  const popBytes = (): string => {
    const v = pop();
    if (v.type !== "ByteString") throw new ScriptError(`expected a byte string, got ${v.type}`);
    return v.hex;
  };
  const popInt = (): bigint => {
    const v = pop();
    if (v.type !== "Integer") throw new ScriptError(`expected an integer, got ${v.type}`);
    return v.value;
  };
  for (const t of tokens) {
    const op = t.code as number;
    if (PUSHINT.has(op)) stack.push({ type: "Integer", value: decodeVmInteger(t.params ?? "") });
    else if (PUSHDATA.has(op)) stack.push({ type: "ByteString", hex: t.params ?? "" });
    else if (op === O.PUSHM1) stack.push({ type: "Integer", value: -1n });
    else if (op >= O.PUSH0 && op <= O.PUSH16) stack.push({ type: "Integer", value: BigInt(op - O.PUSH0) });
    else if (op === O.PUSHT || op === O.PUSHF) stack.push({ type: "Boolean", value: op === O.PUSHT });
    else if (op === O.PUSHNULL) stack.push({ type: "Null" });
    else if (op === O.NEWARRAY0) stack.push({ type: "Array", items: [] });
    else if (op === O.PACK) {
      const n = Number(popInt());
      if (n < 0 || n > stack.length) throw new ScriptError("bad PACK count");
      const items: TStackValue[] = [];
      for (let i = 0; i < n; i++) items.push(pop()); // PACK puts the top of the stack first
      stack.push({ type: "Array", items });
    } else if (op === O.SYSCALL) {
      if (t.params !== sc.InteropServiceCode.SYSTEM_CONTRACT_CALL) throw new ScriptError(`unsupported syscall ${t.params}`);
      const hashLe = popBytes();
      if (hashLe.length !== 40) throw new ScriptError("bad contract hash");
      const method = utf8(popBytes());
      const flags = Number(popInt());
      const args = pop();
      if (args.type !== "Array") throw new ScriptError("call arguments must be an array");
      const call = { contract: u.reverseHex(hashLe), method, args: args.items, flags };
      calls.push(call);
      stack.push(onCall(call));
    } else if (op === O.ASSERT) {
      if (!truthy(pop())) throw new ScriptFault("ASSERT is executed with false result.");
    } else if (op === O.DROP) pop();
    else if (op === O.NOP) continue;
    else throw new ScriptError(`unsupported opcode ${sc.OpCode[op] ?? op}`);
  }
  return calls;
}

export type TParsedTransfer = { from: string; to: string; amount: bigint; data: TSettlementData | null };

/** The NEP-17 transfer arguments of a call (script hashes big-endian), or null if malformed. */
export function transferOf(call: TContractCall): TParsedTransfer | null {
  if (call.method !== "transfer" || call.args.length !== 4) return null;
  const [from, to, amount, data] = call.args;
  if (from?.type !== "ByteString" || from.hex.length !== 40) return null;
  if (to?.type !== "ByteString" || to.hex.length !== 40) return null;
  if (amount?.type !== "Integer") return null;
  return { from: u.reverseHex(from.hex), to: u.reverseHex(to.hex), amount: amount.value, data: data ? decodeSettlementData(data) : null };
}

export function decodeSettlementData(v: TStackValue): TSettlementData | null {
  if (v.type !== "Array" || v.items.length !== 4) return null;
  const [tag, kind, recordId, hash] = v.items;
  if (tag?.type !== "ByteString" || kind?.type !== "ByteString" || recordId?.type !== "ByteString" || hash?.type !== "ByteString") return null;
  if (utf8(tag.hex) !== SETTLEMENT_DATA_TAG || hash.hex.length !== 64) return null;
  return { kind: utf8(kind.hex), recordId: utf8(recordId.hex), payloadHash: hash.hex };
}

/** Every transfer of a settlement script on the given contract; throws if the script is not one. */
export function readSettlementScript(scriptHex: string, contractHash: string): TParsedTransfer[] {
  const contract = toScriptHash(contractHash);
  return runScript(scriptHex).map((c) => {
    const t = transferOf(c);
    if (c.contract !== contract || !t) throw new ScriptError(`call ${c.method} on 0x${c.contract} is not a TKY transfer`);
    return t;
  });
}

function utf8(hex: string): string {
  return Buffer.from(hex, "hex").toString("utf8");
}
