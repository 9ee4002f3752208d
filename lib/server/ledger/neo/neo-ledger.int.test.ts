import { randomUUID } from "node:crypto";
import { tx, u, wallet } from "@cityofzion/neon-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../../db/client";
import { AppError } from "../../app-error";
import type { TLedgerAdapter, TLedgerIntent } from "../ledger-adapter";
import { startLoopbackNeoPeer, type TLoopbackNeoPeer } from "./loopback-neo-peer";
import { createNeoLedger } from "./neo-ledger";

// The NEO adapter against the loopback peer over real HTTP, on the real test database. Blocks are
// mined by hand (peer.mine) so every state change is deterministic and the tests stay quick.

const MAGIC = 894710606;
const TKY = "0x" + "5e".repeat(20);
const TKY_UNIT = 100_000_000n;
const bureau = new wallet.Account(wallet.generatePrivateKey());
const operator = new wallet.Account(wallet.generatePrivateKey());
const provider = new wallet.Account(wallet.generatePrivateKey());
const VALID_BLOCKS = 4;

let peer: TLoopbackNeoPeer;
let ledger: TLedgerAdapter;

const intent = (over: Partial<TLedgerIntent> = {}): TLedgerIntent => ({
  idempotencyKey: `fee-batch:${randomUUID()}`,
  kind: "fee-batch",
  recordId: randomUUID(),
  payloadHash: u.sha256(u.str2hexstring(randomUUID())),
  postings: [
    { account: "bureau:52", amount: -300n * TKY_UNIT },
    { account: "operator:thekey", amount: 200n * TKY_UNIT },
    { account: "provider:data", amount: 100n * TKY_UNIT },
  ],
  ...over,
});

const transfersOf = (recordId: string) => peer.confirmedTransfers().filter((t) => t.recordId === recordId);
const attemptsOf = async (ref: string) =>
  prisma().neoTxAttempt.findMany({ where: { neoTransactionId: ref.slice("neo:".length) }, orderBy: { attempt: "asc" } });
const code = (p: Promise<unknown>) => p.then(() => "resolved", (e) => (e instanceof AppError ? e.code : String(e)));

async function rpcCall(method: string, params: unknown[]) {
  const res = await fetch(peer.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  return (await res.json()) as { result?: unknown; error?: { code: number; message: string } };
}

beforeAll(async () => {
  peer = await startLoopbackNeoPeer({ networkMagic: MAGIC, contractHash: TKY, balances: { [bureau.address]: 1_000_000n * TKY_UNIT }, blockMs: null });
  peer.mine(3);
  ledger = createNeoLedger({
    rpcUrl: peer.url,
    networkMagic: MAGIC,
    contractHash: TKY,
    bureauKey: bureau.WIF,
    bureauPrefix: "bureau:",
    payees: { "operator:thekey": operator.address, "provider:data": provider.address },
    validBlocks: VALID_BLOCKS,
    timeoutMs: 400,
  });
});
afterAll(async () => {
  await peer?.stop();
});

describe("NEO N3 adapter against the loopback peer", () => {
  it("settles to final: the signed tx is stored, broadcast, included with HALT, money moves once", async () => {
    const before = peer.balanceOf(operator.address);
    const i = intent();
    const r = await ledger.submit(i);
    expect(r).toMatchObject({ state: "submitted", block: null, error: null });
    expect(r.txId).toMatch(/^0x[0-9a-f]{64}$/);
    const [attempt] = await attemptsOf(r.ref);
    expect(attempt).toMatchObject({ txHash: r.txId, attempt: 1, state: "submitted" });
    // What is stored is exactly what the node accepted.
    expect(`0x${tx.Transaction.deserialize(u.HexString.fromBase64(attempt!.rawTx).toBigEndian()).hash()}`).toBe(r.txId);

    peer.mine();
    const done = await ledger.getStatus(r.ref);
    expect(done).toMatchObject({ ref: r.ref, state: "final", txId: r.txId, block: BigInt(peer.height()) });
    expect(peer.balanceOf(operator.address) - before).toBe(200n * TKY_UNIT);
    expect(transfersOf(i.recordId).map((t) => t.amount)).toEqual([200n * TKY_UNIT, 100n * TKY_UNIT]);
    expect(transfersOf(i.recordId).every((t) => t.payloadHash === i.payloadHash)).toBe(true);
  });

  it("is idempotent on the key: same ref, one transaction seen by the peer, one transfer", async () => {
    const i = intent();
    const accepted = peer.stats().accepted.size;
    const a = await ledger.submit(i);
    const b = await ledger.submit({ ...i, postings: i.postings.map((p) => ({ ...p })) });
    expect(b.ref).toBe(a.ref);
    expect(b.txId).toBe(a.txId);
    peer.mine();
    const c = await ledger.submit(i);
    expect(c).toMatchObject({ ref: a.ref, state: "final" });
    expect(peer.stats().accepted.size - accepted).toBe(1);
    expect(transfersOf(i.recordId)).toHaveLength(2);
  });

  it("refuses a reused key with a different intent (CONFLICT), storing nothing new", async () => {
    const i = intent();
    const a = await ledger.submit(i);
    const other = { ...i, postings: [{ account: "bureau:52", amount: -1n }, { account: "operator:thekey", amount: 1n }] };
    expect(await code(ledger.submit(other))).toBe("CONFLICT");
    expect(await code(ledger.submit({ ...i, payloadHash: "0".repeat(64) }))).toBe("CONFLICT");
    expect(await attemptsOf(a.ref)).toHaveLength(1);
  });

  it("refuses unknown payees and non-bureau payers with VALIDATION, before any RPC", async () => {
    const sends = peer.stats().sends;
    const unknown = intent({ postings: [{ account: "bureau:52", amount: -5n }, { account: "provider:elsewhere", amount: 5n }] });
    expect(await code(ledger.submit(unknown))).toBe("VALIDATION");
    const wrongPayer = intent({ postings: [{ account: "operator:thekey", amount: -5n }, { account: "provider:data", amount: 5n }] });
    expect(await code(ledger.submit(wrongPayer))).toBe("VALIDATION");
    expect(peer.stats().sends).toBe(sends);
  });

  it("reports failed when the transaction FAULTs on chain, and moves no money", async () => {
    peer.mine(); // the injected fault hits the next executed tx: let earlier tests' txs land first
    const before = peer.balanceOf(bureau.address);
    const i = intent();
    const r = await ledger.submit(i);
    peer.faults.faultNext = 1;
    peer.mine();
    const s = await ledger.getStatus(r.ref);
    expect(s).toMatchObject({ state: "failed", txId: r.txId, block: BigInt(peer.height()) });
    expect(s.error).toMatch(/FAULT: injected fault/);
    expect(peer.balanceOf(bureau.address)).toBe(before);
    expect(transfersOf(i.recordId)).toHaveLength(0);
    // Failed is terminal: asking again neither re-signs nor resends.
    expect(await ledger.submit(i)).toMatchObject({ state: "failed", txId: r.txId });
    expect(await attemptsOf(r.ref)).toHaveLength(1);
  });

  it("refuses (LEDGER_INSUFFICIENT_FUNDS, nothing stored or sent) a settlement the bureau cannot pay", async () => {
    const sends = peer.stats().sends;
    const huge = intent({ postings: [{ account: "bureau:52", amount: -(10n ** 18n) }, { account: "operator:thekey", amount: 10n ** 18n }] });
    expect(await code(ledger.submit(huge))).toBe("LEDGER_INSUFFICIENT_FUNDS");
    expect(await prisma().neoTransaction.count({ where: { idempotencyKey: huge.idempotencyKey } })).toBe(0);
    expect(peer.stats().sends).toBe(sends);
  });

  it("a timeout is LEDGER_UNAVAILABLE; the retry sends the stored transaction and settles once", async () => {
    // The node never answers: nothing was signed, nothing stored.
    peer.faults.hangNext = 1;
    peer.faults.hangMethods = ["getblockcount"];
    const i = intent();
    expect(await code(ledger.submit(i))).toBe("LEDGER_UNAVAILABLE");
    expect(await prisma().neoTransaction.count({ where: { idempotencyKey: i.idempotencyKey } })).toBe(0);

    // sendrawtransaction hangs before the node takes it: the signed tx is stored (queued) first.
    peer.faults.hangNext = 1;
    peer.faults.hangMethods = ["sendrawtransaction"];
    expect(await code(ledger.submit(i))).toBe("LEDGER_UNAVAILABLE");
    const row = await prisma().neoTransaction.findUniqueOrThrow({ where: { idempotencyKey: i.idempotencyKey } });
    expect(row.state).toBe("queued");
    expect(row.error).toMatch(/sendrawtransaction.*aborted/);
    const r = await ledger.submit(i);
    expect(r).toMatchObject({ state: "submitted", txId: row.txHash });
    peer.mine();
    expect(await ledger.getStatus(r.ref)).toMatchObject({ state: "final" });
    expect(transfersOf(i.recordId)).toHaveLength(2);
    expect(await attemptsOf(r.ref)).toHaveLength(1);
    peer.faults.hangMethods = null;
  });

  it("duplicate send: the node took the tx but the answer was lost; the resend's 'already exists' counts as sent", async () => {
    peer.faults.acceptThenHangNext = 1;
    const i = intent();
    expect(await code(ledger.submit(i))).toBe("LEDGER_UNAVAILABLE");
    const rejected = peer.stats().rejected.length;
    const r = await ledger.submit(i);
    expect(r.state).toBe("submitted");
    expect(peer.stats().rejected.slice(rejected)).toEqual([{ code: -501, message: "Inventory already exists" }]);
    peer.mine();
    expect(await ledger.getStatus(r.ref)).toMatchObject({ state: "final" });
    expect(transfersOf(i.recordId)).toHaveLength(2);
  });

  it("slow inclusion: stays submitted across blocks without re-signing, then final", async () => {
    peer.faults.inclusionDelay = 2;
    const i = intent();
    const r = await ledger.submit(i);
    peer.mine();
    expect(await ledger.getStatus(r.ref)).toMatchObject({ state: "submitted", txId: r.txId });
    peer.mine(2);
    peer.faults.inclusionDelay = 0;
    expect(await ledger.getStatus(r.ref)).toMatchObject({ state: "final", txId: r.txId });
    expect(await attemptsOf(r.ref)).toHaveLength(1);
  });

  it("expiry: a dropped tx is re-signed only after validUntilBlock has passed, and settles exactly once", async () => {
    peer.faults.dropNext = 1;
    const i = intent();
    const r = await ledger.submit(i);
    const first = (await attemptsOf(r.ref))[0]!;
    // Up to and including validUntilBlock the old tx could still land: no new transaction.
    while (peer.height() < Number(first.validUntilBlock)) {
      peer.mine();
      expect(await ledger.getStatus(r.ref)).toMatchObject({ state: "submitted", txId: r.txId });
    }
    peer.mine();
    const s = await ledger.getStatus(r.ref);
    expect(s.state).toBe("submitted");
    expect(s.txId).not.toBe(r.txId);
    const attempts = await attemptsOf(r.ref);
    expect(attempts.map((a) => [a.attempt, a.state])).toEqual([
      [1, "expired"],
      [2, "submitted"],
    ]);
    expect(attempts[1]!.validUntilBlock).toBeGreaterThan(first.validUntilBlock);
    peer.mine();
    expect(await ledger.getStatus(r.ref)).toMatchObject({ state: "final", txId: s.txId });
    expect(transfersOf(i.recordId).map((t) => t.txHash)).toEqual([s.txId, s.txId]);
  });

  it("the peer rejects a forged or tampered signature and a wrong network magic", async () => {
    const i = intent();
    const r = await ledger.submit(i);
    const raw = (await attemptsOf(r.ref))[0]!.rawTx;
    const signed = tx.Transaction.deserialize(u.HexString.fromBase64(raw).toBigEndian());

    // Tampered after signing: a bigger network fee changes the hash the signature covered.
    const tampered = new tx.Transaction(signed);
    tampered.networkFee = tampered.networkFee.add(1);
    const a = await rpcCall("sendrawtransaction", [u.HexString.fromHex(tampered.serialize(true)).toBase64()]);
    expect(a.error).toMatchObject({ code: -508 });

    // Signed by another key but claiming the bureau as signer: the witness is not the signer's.
    const forged = new tx.Transaction({ ...signed.export(), nonce: signed.nonce + 1, witnesses: [] }).sign(operator, MAGIC);
    const b = await rpcCall("sendrawtransaction", [u.HexString.fromHex(forged.serialize(true)).toBase64()]);
    expect(b.error).toMatchObject({ code: -508 });

    // The bureau's key, but for another network.
    const otherNet = new tx.Transaction({ ...signed.export(), nonce: signed.nonce + 2, witnesses: [] }).sign(bureau, MAGIC + 1);
    const c = await rpcCall("sendrawtransaction", [u.HexString.fromHex(otherNet.serialize(true)).toBase64()]);
    expect(c.error).toMatchObject({ code: -508 });

    peer.mine();
    expect(await ledger.getStatus(r.ref)).toMatchObject({ state: "final" });
    expect(transfersOf(i.recordId)).toHaveLength(2);
  });

  it("verify() reads the tx from the node: true for the settled payload hash, false for another", async () => {
    const i = intent();
    const r = await ledger.submit(i);
    expect(await ledger.verify(r.ref, i.payloadHash)).toEqual({ onLedger: false, hashMatches: false });
    peer.mine();
    await ledger.getStatus(r.ref);
    expect(await ledger.verify(r.ref, i.payloadHash)).toEqual({ onLedger: true, hashMatches: true });
    expect(await ledger.verify(r.ref, "f".repeat(64))).toEqual({ onLedger: true, hashMatches: false });
    expect(await code(ledger.getStatus("neo:not-a-ref"))).toBe("NOT_FOUND");
  });

  it("head() is the last block's height and hash", async () => {
    peer.mine();
    const h = await ledger.head();
    expect(h.height).toBe(BigInt(peer.height()));
    expect((await rpcCall("getbestblockhash", [])).result).toBe(h.hash);
  });
});
