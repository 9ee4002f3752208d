import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { env } from "../../env.js";
import { pool } from "../../db/client";
import { systemActor } from "../actor";
import { createEmbeddedLedger } from "./embedded-ledger";
import { ensureLedgerAccounts } from "./ensure-ledger-accounts";
import { fundBureauAccount } from "./fund-bureau-account";
import type { TLedgerIntent } from "./ledger-adapter";
import { bureauAccount } from "./ledger-accounts";
import { chainHash, sha256Hex } from "./ledger-intent";
import { verifyLedgerChain } from "./verify-ledger-chain";

// The embedded ledger against real Postgres: the SQL function, triggers and constraints are the
// rules, so they are tested here, including raw SQL that goes around the adapter.

const ledger = createEmbeddedLedger();
const OP = env.LEDGER_OPERATOR_ACCOUNT;
const PR = env.LEDGER_PROVIDER_ACCOUNT;

const balance = async (code: string) => BigInt((await pool().query<{ balance: string }>(`select balance from ledger_accounts where code = $1`, [code])).rows[0]!.balance);
const transfersWithKey = async (key: string) => Number((await pool().query<{ n: string }>(`select count(*) as n from ledger_transfers where idempotency_key = $1`, [key])).rows[0]!.n);

/** A fresh province (bureau account) with the given funds. */
async function province(funds: bigint): Promise<string> {
  const p = String(10 + Math.floor(Math.random() * 80)) + randomUUID().slice(0, 4);
  await ensureLedgerAccounts([p]);
  if (funds > 0n) await fundBureauAccount(systemActor(), { province: p, amount: funds, key: `fund:${p}` });
  return bureauAccount(p);
}

const fee = (payer: string, amount: bigint, key = `fee:${randomUUID()}`): TLedgerIntent => ({
  idempotencyKey: key,
  kind: "fee-batch",
  recordId: key,
  payloadHash: sha256Hex(key),
  postings: [
    { account: payer, amount: -amount },
    { account: OP, amount: (amount * 2n) / 3n },
    { account: PR, amount: amount - (amount * 2n) / 3n },
  ],
});

describe("embedded ledger", () => {
  it("moves money between accounts, final at once, chained onto the head; verify checks the payload hash", async () => {
    const bureau = await province(1_000n);
    const [op0, pr0] = [await balance(OP), await balance(PR)];
    const before = await ledger.head();
    const intent = fee(bureau, 300n);
    const r = await ledger.submit(intent);
    expect(r).toMatchObject({ state: "final", error: null });
    expect(r.block).toBe(before.height + 1n);
    const after = await ledger.head();
    expect(after.height).toBe(r.block);
    expect(after.hash).toBe(r.txId);
    expect(await balance(bureau)).toBe(700n);
    expect((await balance(OP)) - op0).toBe(200n);
    expect((await balance(PR)) - pr0).toBe(100n);
    expect(await ledger.getStatus(r.ref)).toEqual(r);
    expect(await ledger.verify(r.ref, intent.payloadHash)).toEqual({ onLedger: true, hashMatches: true });
    expect(await ledger.verify(r.ref, sha256Hex("other"))).toEqual({ onLedger: true, hashMatches: false });
    expect(await ledger.verify(randomUUID(), intent.payloadHash)).toEqual({ onLedger: false, hashMatches: false });
    await expect(ledger.getStatus(randomUUID())).rejects.toMatchObject({ code: "NOT_FOUND" });
    // The chain recomputes outside the database, from the stored body.
    const t = (await pool().query<{ body: string; prev_hash: string }>(`select body, prev_hash from ledger_transfers where id = $1`, [r.ref])).rows[0]!;
    expect(chainHash(t.prev_hash, r.block!, t.body)).toBe(r.txId);
    expect(await verifyLedgerChain()).toMatchObject({ ok: true, firstBad: null });
    // Streamed in pages as small as one transfer, the verdict and the head are the same.
    const whole = await verifyLedgerChain();
    expect(whole.height).toBeGreaterThan(1n);
    expect(await verifyLedgerChain({ pageSize: 1 })).toEqual(whole);
    expect(await verifyLedgerChain({ pageSize: 2 })).toEqual(whole);
  });

  it("is idempotent on the key: same body returns the same ref; a different body is refused with 409 and nothing is written", async () => {
    const bureau = await province(1_000n);
    const intent = fee(bureau, 300n);
    const a = await ledger.submit(intent);
    const b = await ledger.submit({ ...intent, postings: intent.postings.map((p) => ({ ...p })) });
    expect(b).toEqual(a);
    const head = await ledger.head();
    await expect(ledger.submit({ ...intent, postings: fee(bureau, 600n).postings })).rejects.toMatchObject({ code: "CONFLICT", status: 409 });
    await expect(ledger.submit({ ...intent, memo: "changed" })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await ledger.head()).toEqual(head);
    expect(await transfersWithKey(intent.idempotencyKey)).toBe(1);
    expect(await balance(bureau)).toBe(700n);
  });

  it("refuses bad input with a clear error and writes nothing", async () => {
    const bureau = await province(1_000n);
    const head = await ledger.head();
    const base = fee(bureau, 300n);
    const cases: [Partial<TLedgerIntent>, string, string][] = [
      [{ postings: [{ account: bureau, amount: -300n }, { account: OP, amount: 299n }] }, "VALIDATION", "postings"],
      [{ postings: [{ account: bureau, amount: 0n }, { account: OP, amount: 0n }] }, "VALIDATION", "postings.0.amount"],
      [{ postings: [{ account: bureau, amount: -5n }, { account: "nobody:1", amount: 5n }] }, "VALIDATION", "postings.1.account"],
      [{ postings: [{ account: bureau, amount: 5n }] }, "VALIDATION", "postings"],
      [{ postings: fee(bureau, 5_000n).postings }, "LEDGER_INSUFFICIENT_FUNDS", ""],
    ];
    for (const [over, code, path] of cases) {
      const e = await ledger.submit({ ...base, idempotencyKey: `bad:${randomUUID()}`, ...over }).then(
        () => null,
        (x) => x,
      );
      expect(e, JSON.stringify(over, (_k, v) => (typeof v === "bigint" ? v.toString() : v))).toMatchObject({ code });
      if (path) expect(e.fieldErrors.map((f: { path: string }) => f.path)).toContain(path);
    }
    // A negative amount into an account is a debit; one that would overdraw it is refused.
    await expect(ledger.submit({ ...base, postings: [{ account: OP, amount: 5n }, { account: bureau, amount: -1_001n }, { account: PR, amount: 996n }] })).rejects.toMatchObject({
      code: "LEDGER_INSUFFICIENT_FUNDS",
    });
    expect(await ledger.head()).toEqual(head);
    expect(await balance(bureau)).toBe(1_000n);
    // The issuer may go negative; nothing else may.
    expect(await balance(env.LEDGER_ISSUER_ACCOUNT)).toBeLessThan(0n);
  });

  it("keeps entries append-only and the rules hold for raw SQL too", async () => {
    const bureau = await province(1_000n);
    const r = await ledger.submit(fee(bureau, 300n));
    await expect(pool().query(`update ledger_transfers set kind = 'x' where id = $1`, [r.ref])).rejects.toThrow(/append-only/);
    await expect(pool().query(`delete from ledger_transfers where id = $1`, [r.ref])).rejects.toThrow(/append-only/);
    await expect(pool().query(`update ledger_postings set amount = amount * 2 where transfer_seq = $1`, [r.block])).rejects.toThrow(/append-only/);
    await expect(pool().query(`delete from ledger_postings where transfer_seq = $1`, [r.block])).rejects.toThrow(/append-only/);
    await expect(pool().query(`truncate ledger_postings, ledger_transfers`)).rejects.toThrow(/append-only/);
    await expect(pool().query(`update ledger_accounts set balance = balance + 1000000 where code = $1`, [bureau])).rejects.toThrow(/only through postings/);
    await expect(pool().query(`delete from ledger_accounts where code = $1`, [bureau])).rejects.toThrow(/append-only/);
    // A hand-made transfer that does not balance is refused at commit; one that overdraws, at once.
    const raw = async (postings: [string, bigint][]) => {
      const c = await pool().connect();
      try {
        await c.query("begin");
        const seq = 1_000_000_000 + Math.floor(Math.random() * 1e6);
        await c.query(
          `insert into ledger_transfers (seq, id, idempotency_key, kind, record_id, payload_hash, body, prev_hash, hash) values ($1, gen_random_uuid(), $2, 'x', 'x', 'x', 'x', 'x', $2)`,
          [seq, `raw:${randomUUID()}`],
        );
        for (const [i, [account, amount]] of postings.entries()) await c.query(`insert into ledger_postings values ($1, $2, $3, $4)`, [seq, i + 1, account, amount]);
        await c.query("commit");
      } finally {
        await c.query("rollback").catch(() => {});
        c.release();
      }
    };
    await expect(raw([[bureau, -10n], [OP, 9n]])).rejects.toThrow(/does not balance/);
    await expect(raw([[bureau, -5_000n], [OP, 5_000n]])).rejects.toThrow(/balance_check/);
    expect(await balance(bureau)).toBe(700n);
    expect(await verifyLedgerChain()).toMatchObject({ ok: true });
  });

  it("under concurrency: balances never go negative, each key moves money once, heights stay gapless", async () => {
    const bureau = await province(1_000n);
    const intents = Array.from({ length: 20 }, () => fee(bureau, 100n));
    const settled = await Promise.allSettled(intents.map((i) => ledger.submit(i)));
    expect(settled.filter((s) => s.status === "fulfilled")).toHaveLength(10);
    expect(settled.filter((s) => s.status === "rejected").map((s) => (s as PromiseRejectedResult).reason.code)).toEqual(Array(10).fill("LEDGER_INSUFFICIENT_FUNDS"));
    expect(await balance(bureau)).toBe(0n);

    const rich = await province(10_000n);
    const one = fee(rich, 300n);
    const same = await Promise.all(Array.from({ length: 8 }, () => ledger.submit(one)));
    expect(new Set(same.map((r) => r.ref)).size).toBe(1);
    expect(await transfersWithKey(one.idempotencyKey)).toBe(1);
    expect(await balance(rich)).toBe(9_700n);

    const many = await ledger.submitMany([fee(rich, 300n), fee(rich, 0n), one, fee(rich, 100_000n), fee(rich, 600n)]);
    expect(many.map((m) => ("error" in m ? m.error.code : m.replayed ? "replayed" : "ok"))).toEqual(["ok", "VALIDATION", "replayed", "LEDGER_INSUFFICIENT_FUNDS", "ok"]);
    expect(await balance(rich)).toBe(8_800n);
    expect(await verifyLedgerChain()).toMatchObject({ ok: true });
  });
});
