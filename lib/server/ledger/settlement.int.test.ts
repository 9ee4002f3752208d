import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { childEnv, env } from "../../env.js";
import { pool } from "../../db/client";
import { pgTx } from "../../db/pg-tx";
import { configuredServiceKeys, startBdmiService } from "../../bdmi/service/start";
import { createUser, seedRoll } from "../../../test/fixtures";
import { systemActor } from "../actor";
import { AppError } from "../app-error";
import { configuredEndpoint, createBdmiClient } from "../bdmi/bdmi-client";
import { processMonthlyRun } from "../runs/process-monthly-run";
import { startMonthlyRun } from "../runs/start-monthly-run";
import { createEmbeddedLedger } from "./embedded-ledger";
import { ensureLedgerAccounts } from "./ensure-ledger-accounts";
import { fundBureauAccount } from "./fund-bureau-account";
import { getFeesOverview } from "./get-fees-overview";
import type { TLedgerAdapter } from "./ledger-adapter";
import { bureauAccount, TKY } from "./ledger-accounts";
import { queueFeeSettlement } from "./queue-fee-settlement";
import { settleDueFees, type TSettleOptions } from "./settle-due-fees";
import { verifyLedgerChain } from "./verify-ledger-chain";

// Fee settlement through the outbox against real Postgres: the monthly run writes the intent with
// its fees, the worker settles it exactly once through outages, low balances and SIGKILLs.

const embedded = createEmbeddedLedger();
const PER = 3n * TKY;
const opts = (adapter: TLedgerAdapter, over: Partial<TSettleOptions> = {}): TSettleOptions => ({
  workerId: `test-${randomUUID().slice(0, 6)}`,
  adapter,
  batchSize: 100,
  leaseSeconds: 30,
  maxBackoffSeconds: 1,
  backoffBaseMs: 50,
  ...over,
});
let nextProvince = 70;
/** A province of its own per test (codes 70–89 are not Guizhou's), with a funded bureau. */
async function province(fundTky: bigint): Promise<string> {
  const p = String(nextProvince++);
  await ensureLedgerAccounts([p]);
  if (fundTky > 0n) await fundBureauAccount(systemActor(), { province: p, amount: fundTky * TKY, key: `fund:${p}:${randomUUID()}` });
  return p;
}

/** Fee records of `batches` batches (two counties each, `per` assessments a county) and their settlements, as the run writes them. */
async function queueBatches(prov: string, batches: number, per = 5): Promise<{ runId: string; ids: string[]; total: bigint }> {
  const runId = randomUUID();
  const ids: string[] = [];
  for (let b = 1; b <= batches; b++) {
    await pgTx(async (c) => {
      await c.query(
        `insert into fee_records (id, kind, run_id, batch_no, period, region_code, count, amount, platform_share, provider_share, schedule_version, bdmi_call_id)
         select gen_random_uuid(), 'assessment', $1, $2, '2026-06', t.region, $3, $4, $5, $6, 'v1', 'call'
           from unnest($7::text[]) as t(region)`,
        [runId, b, per, (PER * BigInt(per)).toString(), (2n * TKY * BigInt(per)).toString(), (TKY * BigInt(per)).toString(), [`${prov}0101`, `${prov}0202`]],
      );
      const s = await queueFeeSettlement(c, { key: `fee-batch:${runId}:${b}`, kind: "fee-batch", feeFilter: { runId, batchNo: b } });
      ids.push(s!.id);
    });
  }
  return { runId, ids, total: PER * BigInt(per) * 2n * BigInt(batches) };
}

// Files that ran before this one (monthly runs, kiosk checks) leave their settlements due from
// bureau:52. Settle them all first, with money to spare, so each test here counts its own.
beforeAll(async () => {
  await ensureLedgerAccounts(["52"]);
  await fundBureauAccount(systemActor(), { province: "52", amount: 10_000_000n * TKY, key: `fund:52:drain:${randomUUID()}` });
  for (let i = 0; i < 60; i++) {
    // Files still running beside this one may leave settlements waiting out a retry backoff
    // (a ledger they stopped, a balance they had not funded): due now, as a top-up makes them.
    await pool().query(`update settlements set next_attempt_at = now() where state in ('queued', 'blocked') and next_attempt_at > now()`);
    await settleDueFees(opts(embedded, { batchSize: 1000 }));
    const left = await pool().query(`select 1 from settlements where state not in ('final', 'failed') limit 1`);
    if (!left.rowCount) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  const left = await pool().query(`select state, left(region_code, 2) as province, count(*)::int as n, min(last_error) as error from settlements where state not in ('final', 'failed') group by 1, 2`);
  throw new Error(`settlements left by earlier test files did not settle: ${JSON.stringify(left.rows)}`);
}, 90_000);

const balance = async (code: string) => BigInt((await pool().query<{ balance: string }>(`select balance from ledger_accounts where code = $1`, [code])).rows[0]!.balance);

/** Every settlement final, one ledger transfer per key, receipts on every fee, one audit event each. */
async function expectSettledOnce(ids: string[]) {
  const s = await pool().query<{ id: string; state: string; idempotency_key: string; ledger_ref: string; tx_id: string; block: string; transfers: string; audits: string; unsettled: string; mismatched: string }>(
    `select s.id, s.state, s.idempotency_key, s.ledger_ref, s.tx_id, s.block::text,
            (select count(*) from ledger_transfers t where t.idempotency_key = s.idempotency_key)::text as transfers,
            (select count(*) from audit_events a where a.action = 'fee.settled' and a.target_id = s.id::text)::text as audits,
            (select count(*) from fee_records f where f.settlement_id = s.id and f.settled_at is null)::text as unsettled,
            (select count(*) from fee_records f where f.settlement_id = s.id and (f.ledger_ref is distinct from s.ledger_ref or f.tx_id is distinct from s.tx_id or f.block is distinct from s.block))::text as mismatched
       from settlements s where s.id = any($1::uuid[])`,
    [ids],
  );
  expect(s.rows).toHaveLength(ids.length);
  for (const r of s.rows) {
    expect(r, r.idempotency_key).toMatchObject({ state: "final", transfers: "1", audits: "1", unsettled: "0", mismatched: "0" });
    const t = await pool().query<{ id: string; hash: string; seq: string }>(`select id, hash, seq::text from ledger_transfers where idempotency_key = $1`, [r.idempotency_key]);
    expect([t.rows[0]!.id, t.rows[0]!.hash, t.rows[0]!.seq]).toEqual([r.ledger_ref, r.tx_id, r.block]);
  }
}

describe("fee settlement", () => {
  it("a monthly run writes one settlement per batch with its fees; the worker settles each once and records the receipt", async () => {
    const bdmi = await startBdmiService({
      databaseUrl: inject("databaseUrl"),
      ...configuredServiceKeys(),
      port: 0,
    });
    try {
      const client = createBdmiClient({ ...configuredEndpoint(), baseUrl: bdmi.url }, { retries: 1, timeoutMs: 10_000 });
      const county = "520425";
      await client.enrolSubjects(await seedRoll(county, 120));
      const officer = await createUser("officer", ["52"]);
      const { run } = await startMonthlyRun(officer.actor, { period: "2026-02", regionCodes: [county] });
      await ensureLedgerAccounts();
      await fundBureauAccount(systemActor(), { province: "52", amount: 1_000n * TKY, key: `fund:52:${run.id}` });
      expect(await processMonthlyRun(run.id, { workerId: "t", bdmi: client, batchSize: 50, concurrency: 1, leaseSeconds: 30, retryAfterSeconds: 0 })).toBe("completed");

      const s = await pool().query<{ id: string; idempotency_key: string; amount: string; state: string; fees: string }>(
        `select s.id, s.idempotency_key, s.amount::text, s.state, (select sum(amount) from fee_records f where f.settlement_id = s.id)::text as fees
           from settlements s where s.idempotency_key like $1 order by s.idempotency_key`,
        [`fee-batch:${run.id}:%`],
      );
      expect(s.rows.map((r) => r.idempotency_key)).toEqual([1, 2, 3].map((b) => `fee-batch:${run.id}:${b}`));
      for (const r of s.rows) expect([r.state, r.amount]).toEqual(["queued", r.fees]);
      const total = s.rows.reduce((a, r) => a + BigInt(r.amount), 0n);
      expect(total).toBe(PER * 120n);
      const unlinked = await pool().query(`select 1 from fee_records where run_id = $1 and settlement_id is null`, [run.id]);
      expect(unlinked.rowCount).toBe(0);

      const before = await balance(bureauAccount("52"));
      const op0 = await balance(env.LEDGER_OPERATOR_ACCOUNT);
      const pr0 = await balance(env.LEDGER_PROVIDER_ACCOUNT);
      await settleDueFees(opts(embedded, { batchSize: 1000 }));
      await expectSettledOnce(s.rows.map((r) => r.id));
      expect(before - (await balance(bureauAccount("52")))).toBe(total);
      expect((await balance(env.LEDGER_OPERATOR_ACCOUNT)) - op0).toBe((total * 2n) / 3n);
      expect((await balance(env.LEDGER_PROVIDER_ACCOUNT)) - pr0).toBe(total / 3n);

      // The supervisor's view: fees of the period by city, nothing unsettled for this run.
      const sup = await createUser("supervisor", ["5204"]);
      const view = await getFeesOverview(sup.actor, {});
      const row = view.fees.find((f) => f.period === "2026-02" && f.regionCode === "5204")!;
      expect(BigInt(row.amount)).toBeGreaterThanOrEqual(total);
      expect(view.accounts.map((a) => a.account)).toEqual([bureauAccount("52")]);
      const outsider = await createUser("supervisor", ["5201"]);
      expect((await getFeesOverview(outsider.actor, {})).fees.find((f) => f.regionCode === "5204")).toBeUndefined();
    } finally {
      await bdmi.close();
    }
  });

  it("a worker that died after the ledger took the transfer replays it: the same transfer, never a second", async () => {
    const p = await province(1_000n);
    const { ids } = await queueBatches(p, 3);
    const s = (await pool().query<{ idempotency_key: string; postings: { account: string; amount: string }[]; payload_hash: string; id: string }>(`select * from settlements where id = $1`, [ids[0]])).rows[0]!;
    // What a killed worker left behind: the transfer is on the ledger, the settlement still queued.
    const first = await embedded.submit({
      idempotencyKey: s.idempotency_key,
      kind: "fee-batch",
      recordId: s.id,
      payloadHash: s.payload_hash,
      postings: s.postings.map((x) => ({ account: x.account, amount: BigInt(x.amount) })),
    });
    const r = await settleDueFees(opts(embedded));
    expect(r.final).toBeGreaterThanOrEqual(3);
    await expectSettledOnce(ids);
    expect((await pool().query(`select ledger_ref from settlements where id = $1`, [ids[0]])).rows[0].ledger_ref).toBe(first.ref);
    expect(await balance(bureauAccount(p))).toBe(1_000n * TKY - 3n * 30n * TKY);
    expect(await embedded.verify(first.ref, s.payload_hash)).toEqual({ onLedger: true, hashMatches: true });
  });

  it("a ledger outage delays settlement with backoff and loses or duplicates nothing; a slow ledger is polled until final", async () => {
    const p = await province(1_000n);
    const { ids } = await queueBatches(p, 4);
    let down = true;
    let submits = 0;
    // A remote ledger (not embedded): submit answers "submitted" first, final on a later poll.
    const seen = new Set<string>();
    const remote: TLedgerAdapter = {
      name: "remote",
      async submit(intent) {
        submits++;
        if (down) throw new AppError("LEDGER_UNAVAILABLE", "ledger unreachable", { logMessage: "ECONNREFUSED" });
        const r = await embedded.submit(intent);
        return { ...r, state: "submitted", block: null };
      },
      async getStatus(ref) {
        if (down) throw new Error("ECONNRESET");
        if (!seen.has(ref)) {
          seen.add(ref);
          return { ref, state: "submitted", txId: null, block: null, error: null };
        }
        return embedded.getStatus(ref);
      },
      verify: (ref, h) => embedded.verify(ref, h),
      head: () => embedded.head(),
    };
    const mine = async () =>
      (await pool().query<{ state: string; attempts: number; last_error: string | null; due: boolean }>(`select state, attempts, last_error, next_attempt_at <= now() as due from settlements where id = any($1::uuid[])`, [ids])).rows;

    const o = opts(remote, { batchSize: 1000, pollMs: 0 });
    await settleDueFees(o);
    expect((await mine()).every((s) => s.state === "queued" && s.attempts >= 1 && /LEDGER_UNAVAILABLE/.test(s.last_error ?? "") && !s.due)).toBe(true);
    // Backing off: an immediate second pass does not hammer the ledger with these.
    const calls = submits;
    await settleDueFees(o);
    expect(submits).toBe(calls);

    // Back up: submitted, then polled to final; the outage cost nothing twice.
    await new Promise((r) => setTimeout(r, 200));
    down = false;
    for (let i = 0; i < 20 && (await mine()).some((s) => s.state !== "final"); i++) {
      await settleDueFees(o);
      await new Promise((r) => setTimeout(r, 60));
    }
    await expectSettledOnce(ids);
    expect(await balance(bureauAccount(p))).toBe(1_000n * TKY - 4n * 30n * TKY);
  });

  it("a low balance warns before it blocks; a blocked settlement waits, and settles once the bureau is funded", async () => {
    const p = await province(200n);
    // Provinces 70-89 are not in the regions table, so this supervisor is an actor, not a user row.
    const sup = { actor: { ...systemActor(), role: "supervisor" as const, regions: [p] } };
    await queueBatches(p, 1, 5); // 30 TKY of fees in the last 30 days, well covered
    const ok = await getFeesOverview(sup.actor, {});
    expect(ok.accounts[0]).toMatchObject({ account: bureauAccount(p), warning: "low" }); // below the fixed floor (10,000 TKY)
    const { ids } = await queueBatches(p, 7, 5); // 210 TKY more: more than the bureau holds
    const view = await getFeesOverview(sup.actor, {});
    expect(view.accounts[0]!.warning).toBe("blocked");
    expect(BigInt(view.accounts[0]!.unsettled)).toBe(240n * TKY);

    await settleDueFees(opts(embedded, { batchSize: 1000 }));
    const states = (await pool().query<{ state: string }>(`select state from settlements where id = any($1::uuid[]) order by created_at`, [ids])).rows.map((r) => r.state);
    expect(states.filter((s) => s === "blocked").length).toBeGreaterThan(0);
    expect(await balance(bureauAccount(p))).toBeGreaterThanOrEqual(0n);
    expect((await getFeesOverview(sup.actor, {})).unsettled.blocked).toBeGreaterThan(0);

    await fundBureauAccount(systemActor(), { province: p, amount: 1_000n * TKY, key: `top-up:${p}` });
    await new Promise((r) => setTimeout(r, 1_300));
    await settleDueFees(opts(embedded, { batchSize: 1000 }));
    await expectSettledOnce(ids);
    expect(await balance(bureauAccount(p))).toBe(1_200n * TKY - 240n * TKY);
    const after = await getFeesOverview(sup.actor, {});
    expect(after.unsettled).toMatchObject({ count: 0, amount: "0", blocked: 0 });
  });

  it("SIGKILLed workers, again and again at random points: every fee settled exactly once, balances add up", async () => {
    const p = await province(100_000n);
    const { ids, total } = await queueBatches(p, 240, 1);
    const spawnWorker = (): ChildProcess =>
      spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "lib/worker/main.ts"], {
        env: childEnv({
          DATABASE_URL: inject("databaseUrl"),
          PENSION_EMBEDDED: "0",
          SETTLE_BATCH_SIZE: "2",
          SETTLE_POLL_MS: "20",
          SETTLE_LEASE_SECONDS: "1",
          SETTLE_MAX_BACKOFF_SECONDS: "1",
          LOG_LEVEL: "error",
        }),
        stdio: ["ignore", "inherit", "inherit"],
      });
    const finals = async () => Number((await pool().query<{ n: string }>(`select count(*) as n from settlements where id = any($1::uuid[]) and state = 'final'`, [ids])).rows[0]!.n);
    const kill = async (w: ChildProcess) => {
      const exited = new Promise((r) => w.once("exit", r));
      w.kill("SIGKILL");
      await exited;
    };

    let kills = 0;
    for (let round = 0; round < 6; round++) {
      const start = await finals();
      if (start === ids.length) break;
      const w = spawnWorker();
      // Wait until this worker is settling, then kill it a random moment later.
      const end = Date.now() + 30_000;
      while ((await finals()) === start && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 80)));
      await kill(w);
      kills++;
    }
    expect(kills).toBeGreaterThanOrEqual(3);
    expect(await finals()).toBeLessThan(ids.length);

    const last = spawnWorker();
    try {
      const end = Date.now() + 60_000;
      while ((await finals()) < ids.length) {
        if (Date.now() > end) throw new Error(`timed out at ${await finals()} of ${ids.length}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      const exited = new Promise((r) => last.once("exit", r));
      last.kill("SIGTERM");
      await exited;
    }
    await expectSettledOnce(ids);
    expect(await balance(bureauAccount(p))).toBe(100_000n * TKY - total);
    expect(await verifyLedgerChain()).toMatchObject({ ok: true });
  });
});
